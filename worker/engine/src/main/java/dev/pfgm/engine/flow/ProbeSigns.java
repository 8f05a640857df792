package dev.pfgm.engine.flow;

import dev.pfgm.engine.random.SeedPlan;

/**
 * The Rademacher probe vectors of one chunk of rows, a bit a value: {@code count} probes for each
 * of {@code rows} rows, N values each. Held as bits because the vectors stay fixed along a whole
 * path: as doubles, 1,024 probes of 64 images of 28x28 would be 411 MB per chunk.
 */
public final class ProbeSigns {
    private final int count;
    private final int rows;
    private final int dim;
    /** Bit (q * rows + r) * N + k set: value k of probe q of row r is +1, else -1. */
    private final long[] bits;

    public ProbeSigns(int count, int rows, int dim) {
        if (count < 1 || rows < 1 || dim < 1) {
            throw new IllegalArgumentException("probes, rows and dimension must be >= 1");
        }
        long size = (long) count * rows * dim;
        if ((size + 63) / 64 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(count + " probes of " + rows + " rows of " + dim + " values");
        }
        this.count = count;
        this.rows = rows;
        this.dim = dim;
        this.bits = new long[(int) ((size + 63) / 64)];
    }

    public int count() {
        return count;
    }

    /** Draws row r's probes from its stream, probe by probe, value by value ({@link SeedPlan#nextSign}). */
    public void draw(int r, SeedPlan stream) {
        for (int q = 0; q < count; q++) {
            long at = ((long) q * rows + r) * dim;
            for (int k = 0; k < dim; k++) {
                set(at + k, stream.nextSign() > 0);
            }
        }
    }

    /** Gives row {@code to} the probes of row {@code from} (a padding row repeats a real one). */
    public void copyRow(int from, int to) {
        for (int q = 0; q < count; q++) {
            long src = ((long) q * rows + from) * dim;
            long dst = ((long) q * rows + to) * dim;
            for (int k = 0; k < dim; k++) {
                set(dst + k, get(src + k));
            }
        }
    }

    /** Probes {@code first} .. {@code first + n - 1} as +-1 values, [n * rows, N] block-major, into {@code out}. */
    void expand(int first, int n, double[] out) {
        long at = (long) first * rows * dim;
        int len = n * rows * dim;
        for (int i = 0; i < len; i++) {
            out[i] = get(at + i) ? 1.0 : -1.0;
        }
    }

    private boolean get(long i) {
        return (bits[(int) (i >>> 6)] & (1L << i)) != 0;
    }

    private void set(long i, boolean plus) {
        int w = (int) (i >>> 6);
        bits[w] = plus ? bits[w] | (1L << i) : bits[w] & ~(1L << i);
    }
}
