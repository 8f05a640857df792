package dev.pfgm.engine.sample;

import dev.pfgm.engine.random.SeedPlan;

/** Where sampling starts and likelihood ends: a density on the plane z = z_max that can be drawn from. */
public interface Prior extends LogDensity {
    /** Draws one point into {@code out[off .. off + N]}. */
    void sample(SeedPlan rng, double[] out, int off);
}
