package dev.pfgm.shared.synthesis;

/** A synthesis of {@code count} rows cut into shards of {@code shardSize} rows (the last may be shorter). */
public record ShardPlan(long count, int shardSize) {
    public ShardPlan {
        if (count < 1 || shardSize < 1) {
            throw new IllegalArgumentException("count and shard size must be positive");
        }
    }

    public int shards() {
        return (int) ((count + shardSize - 1) / shardSize);
    }

    /** The index of the first row of shard {@code k}. */
    public long first(int k) {
        return (long) k * shardSize;
    }

    public int rows(int k) {
        return (int) Math.min(shardSize, count - first(k));
    }

    /** The name of shard {@code k}'s part: part-00000.EXT. */
    public static String partName(int k, String extension) {
        return String.format(java.util.Locale.ROOT, "part-%05d.%s", k, extension);
    }
}
