package dev.pfgm.synthesis;

/**
 * The rows of one shard as drawn: {@code values} [rows, dim] float32 in data units (images in
 * [-1, 1]), each row's class (null for an unconditional model) and log density in data units (null
 * unless asked for), the mean network evaluations per row drawn, how many candidate rows were drawn
 * (more than rows when a filter rejected some) and the seconds it took.
 */
public record ShardRows(int shard, long first, int rows, int dim, float[] values, int[] labels, double[] logDensity,
                        double meanNfe, long candidates, double seconds) {
}
