package dev.pfgm.synthesis;

import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.synthesis.ShardPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The synthetic rows a report looks at: about {@value #TABLE_ROWS} rows ({@value #IMAGE_ROWS}
 * images) spread evenly over up to {@value #MAX_SHARDS} shards spread evenly over the job, taken
 * from the delivered rows as each shard draws them (so the report describes the output, filter
 * and all). Each contributing shard keeps its share as a small float32 .npy of [m, dim + extras]:
 * the values, then the label and the log density when the rows have them.
 */
public final class ReportSample {
    static final int TABLE_ROWS = 5000;
    static final int IMAGE_ROWS = 1000;
    static final int MAX_SHARDS = 50;

    private final ShardPlan plan;
    private final int step;
    private final int perShard;

    public ReportSample(ShardPlan plan, boolean images) {
        this.plan = plan;
        this.step = (plan.shards() + MAX_SHARDS - 1) / MAX_SHARDS;
        int chosen = (plan.shards() + step - 1) / step;
        int target = images ? IMAGE_ROWS : TABLE_ROWS;
        this.perShard = (target + chosen - 1) / chosen;
    }

    /** Whether shard {@code k} contributes rows. */
    public boolean includes(int k) {
        return k % step == 0;
    }

    /** The positions (within shard k) of the rows it contributes. */
    int[] positions(int k) {
        int rows = plan.rows(k);
        int m = Math.min(rows, perShard);
        int[] at = new int[m];
        for (int j = 0; j < m; j++) {
            at[j] = (int) ((long) j * rows / m);
        }
        return at;
    }

    /** Shard {@code rows}'s contribution as .npy bytes, or null when it contributes none. */
    public byte[] take(ShardRows rows) throws IOException {
        if (!includes(rows.shard())) {
            return null;
        }
        int[] at = positions(rows.shard());
        int dim = rows.dim();
        int width = dim + (rows.labels() != null ? 1 : 0) + (rows.logDensity() != null ? 1 : 0);
        float[] out = new float[at.length * width];
        for (int j = 0; j < at.length; j++) {
            int r = at[j];
            System.arraycopy(rows.values(), r * dim, out, j * width, dim);
            int c = dim;
            if (rows.labels() != null) {
                out[j * width + c++] = rows.labels()[r];
            }
            if (rows.logDensity() != null) {
                out[j * width + c] = (float) rows.logDensity()[r];
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        NpyFile.writeFloat32(b, out, new long[] {at.length, width});
        return b.toByteArray();
    }
}
