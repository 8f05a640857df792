package dev.pfgm.engine.ode;

/** Forward Euler on a fixed grid of K steps: NFE = K. */
public final class Euler extends FixedStepSolver {
    public Euler(int steps, Grid grid) {
        super(steps, grid);
    }

    @Override
    public String name() {
        return "euler";
    }

    @Override
    public Solution solve(OdeSystem system, double[] y, int rows, double from, double to, StepObserver observer) {
        double[] p = grid.points(from, to, steps);
        double[] tau = new double[rows];
        double[] f = new double[y.length];
        for (int k = 0; k < steps; k++) {
            java.util.Arrays.fill(tau, p[k]);
            system.derivative(tau, y, f, rows);
            double h = p[k + 1] - p[k];
            for (int i = 0; i < y.length; i++) {
                y[i] += h * f[i];
            }
            observer.onStep((k + 1.0) / steps);
        }
        return uniform(rows, steps);
    }
}
