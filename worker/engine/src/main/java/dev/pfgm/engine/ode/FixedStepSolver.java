package dev.pfgm.engine.ode;

/** What Euler and Heun share: K steps on a {@link Grid}. */
abstract class FixedStepSolver implements OdeSolver {
    protected final int steps;
    protected final Grid grid;

    FixedStepSolver(int steps, Grid grid) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        this.steps = steps;
        this.grid = grid;
    }

    /** Every row took {@code perRow} evaluations. */
    protected Solution uniform(int rows, long perRow) {
        long[] nfe = new long[rows];
        java.util.Arrays.fill(nfe, perRow);
        return new Solution(nfe, (long) steps * rows, 0);
    }
}
