package dev.pfgm.shared.job;

import java.util.Locale;

/**
 * The kinds of job the service runs; each has its own Kafka topic. ENCODE, DECODE and INTERPOLATE
 * are the invertible map's jobs; CLASSIFIER trains the image classifier an EVAL job scores with.
 */
public enum JobType {
    TRAIN, GENERATE, LIKELIHOOD, SYNTHESIZE, ENCODE, DECODE, INTERPOLATE, CLASSIFIER, EVAL;

    @com.fasterxml.jackson.annotation.JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String topic() {
        return Topics.PREFIX + wireName();
    }

    /** The wire names, comma-separated, for messages naming what is allowed. */
    public static String wireNames() {
        return String.join(", ", java.util.Arrays.stream(values()).map(JobType::wireName).toList());
    }

    /** Parses the wire name; null when it is not one. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static JobType parse(String s) {
        for (JobType t : values()) {
            if (t.wireName().equals(s)) {
                return t;
            }
        }
        return null;
    }
}
