package dev.pfgm.shared.job;

import java.util.List;

/** Kafka topic names. Messages are keyed by job id, so one job's messages stay in order. */
public final class Topics {
    public static final String PREFIX = "pfgm.jobs.";
    public static final String DEAD_LETTER = PREFIX + "dlq";

    private Topics() {
    }

    public static List<String> all() {
        return List.of(JobType.TRAIN.topic(), JobType.GENERATE.topic(), JobType.LIKELIHOOD.topic(), DEAD_LETTER);
    }

    public static List<String> work() {
        return List.of(JobType.TRAIN.topic(), JobType.GENERATE.topic(), JobType.LIKELIHOOD.topic());
    }
}
