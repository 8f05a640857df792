package dev.pfgm.shared.job;

import java.util.List;

/**
 * Kafka topic names. Messages are keyed by job id, so one job's messages stay in order; a
 * synthesis's shard messages are keyed by job id and shard, so they spread over every partition.
 */
public final class Topics {
    public static final String PREFIX = "pfgm.jobs.";
    public static final String DEAD_LETTER = PREFIX + "dlq";

    private Topics() {
    }

    public static List<String> all() {
        List<String> all = new java.util.ArrayList<>(work());
        all.add(DEAD_LETTER);
        return all;
    }

    public static List<String> work() {
        return java.util.Arrays.stream(JobType.values()).map(JobType::topic).toList();
    }
}
