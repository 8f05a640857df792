package dev.pfgm.shared.job;

import java.util.Locale;

/** The kinds of job the service runs; each has its own Kafka topic. */
public enum JobType {
    TRAIN, GENERATE, LIKELIHOOD, SYNTHESIZE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String topic() {
        return Topics.PREFIX + wireName();
    }

    /** Parses the wire name; null when it is not one. */
    public static JobType parse(String s) {
        for (JobType t : values()) {
            if (t.wireName().equals(s)) {
                return t;
            }
        }
        return null;
    }
}
