package dev.pfgm.engine.ode;

import java.util.Arrays;

/** What Euler and Heun share: K steps on a {@link Grid}, each row taking the same evaluations. */
abstract class FixedStepSolver implements OdeSolver {
    private final String name;
    protected final int steps;
    protected final Grid grid;

    FixedStepSolver(String name, int steps, Grid grid) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        this.name = name;
        this.steps = steps;
        this.grid = grid;
    }

    /** One step of every row of {@code y}, in place, from {@code t0} to {@code t1}. */
    interface Step {
        void take(double[] y, double t0, double t1, boolean last);
    }

    /** The step, with its scratch arrays for rows of this length. */
    abstract Step step(Slope slope, int length);

    /** Network evaluations each row takes over the K steps. */
    abstract long evaluationsPerRow();

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Solution solve(OdeSystem system, double[] y, int rows, double from, double to,
            StepObserver observer) {
        double[] p = grid.points(from, to, steps);
        Step step = step(new Slope(system, rows), y.length);
        for (int k = 0; k < steps; k++) {
            step.take(y, p[k], p[k + 1], k == steps - 1);
            observer.onStep((k + 1.0) / steps);
        }
        long[] nfe = new long[rows];
        Arrays.fill(nfe, evaluationsPerRow());
        return new Solution(nfe, (long) steps * rows, 0);
    }

    /** The system's derivative with every row at the same time. */
    static final class Slope {
        private final OdeSystem system;
        private final double[] tau;

        Slope(OdeSystem system, int rows) {
            this.system = system;
            this.tau = new double[rows];
        }

        void at(double t, double[] y, double[] dydt) {
            Arrays.fill(tau, t);
            system.derivative(tau, y, dydt, tau.length);
        }
    }
}
