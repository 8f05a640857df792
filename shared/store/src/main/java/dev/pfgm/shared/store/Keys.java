package dev.pfgm.shared.store;

import java.util.UUID;

/** Object keys. Built from ids the service generated and fixed names, never from user input. */
public final class Keys {
    private Keys() {
    }

    public static String dataset(UUID id, String format) {
        return "datasets/" + id + "/data." + format;
    }

    /** An image dataset's thumbnail grid (its first images), made on upload or on first view. */
    public static String datasetThumbnails(UUID id) {
        return "datasets/" + id + "/thumbnails.png";
    }

    /**
     * An image dataset's labels file, one key per upload: new labels refused (a job uses the dataset)
     * must not have overwritten the file the dataset still names.
     */
    public static String datasetLabels(UUID id, String format) {
        return "datasets/" + id + "/labels-" + UUID.randomUUID() + "." + format;
    }

    public static String jobOutput(UUID jobId, int attempt, String name) {
        return "jobs/" + jobId + "/attempt-" + attempt + "/" + name;
    }

    /** A synthesis part: one folder per shard and attempt, so two attempts never write the same key. */
    public static String shardOutput(UUID jobId, int shard, int attempt, String name) {
        return "jobs/" + jobId + "/shards/" + shard + "/attempt-" + attempt + "/" + name;
    }
}
