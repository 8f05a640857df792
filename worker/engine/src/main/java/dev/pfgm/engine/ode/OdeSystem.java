package dev.pfgm.engine.ode;

/**
 * A batch of independent ODEs dy/dtau = f(tau, y) sharing one right-hand side: {@code rows}
 * states of width {@link #dim()}, stored row-major, each at its own time. Solvers call
 * {@link #derivative} once per stage for the whole batch; each such call is one function
 * evaluation (NFE) for every row still being integrated.
 */
public interface OdeSystem {
    int dim();

    /**
     * Writes f(tau[r], y[r]) into {@code dydt} for r in [0, rows). Rows that have finished are
     * passed too (with their final state); their results are ignored.
     */
    void derivative(double[] tau, double[] y, double[] dydt, int rows);
}
