package dev.pfgm.shared.model;

/**
 * The bounds of the adaptive solver's tolerances, for the engine, the command line and the job
 * rules alike. Below 1e-10 the network's float32 arithmetic cannot meet the tolerance: a trained
 * moons model took 2,800 evaluations per row at 1e-10, 48,000 at 1e-12, and failed at 1e-14 after
 * minutes ("RK45 cannot follow row 0"), which read as an internal failure.
 */
public final class SolverLimits {
    /** rtol and atol at least this. */
    public static final double MIN_TOLERANCE = 1e-10;

    private SolverLimits() {
    }

    /** Whether a tolerance is in [MIN_TOLERANCE, 1). */
    public static boolean tolerance(double v) {
        return v >= MIN_TOLERANCE && v < 1;
    }
}
