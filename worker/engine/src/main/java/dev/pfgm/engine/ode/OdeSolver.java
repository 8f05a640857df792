package dev.pfgm.engine.ode;

/**
 * Integrates every row of a batch from {@code from} to {@code to} (either direction) in place.
 * Implementations: {@link Euler}, {@link Heun} (fixed steps) and {@link DormandPrince} (adaptive
 * RK45). {@link SolverCatalog} makes them by name.
 */
public interface OdeSolver {
    String name();

    Solution solve(OdeSystem system, double[] y, int rows, double from, double to, StepObserver observer);
}
