package dev.pfgm.engine.sample;

import dev.pfgm.engine.random.SeedPlan;

/** Where sampling starts and likelihood ends: a density on the plane z = z_max that can be drawn from. */
public interface Prior extends LogDensity {
    /** Draws one point into {@code out[off .. off + N]}. */
    void sample(SeedPlan rng, double[] out, int off);

    /** |x|^2 of the point at {@code x[off .. off + dim]}. */
    static double squaredNorm(double[] x, int off, int dim) {
        double sum = 0;
        for (int k = 0; k < dim; k++) {
            sum += x[off + k] * x[off + k];
        }
        return sum;
    }
}
