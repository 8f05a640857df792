package dev.pfgm.engine.sample;

/** A log-density on the latent plane, read at x[off .. off + N]. */
@FunctionalInterface
public interface LogDensity {
    double at(double[] x, int off);
}
