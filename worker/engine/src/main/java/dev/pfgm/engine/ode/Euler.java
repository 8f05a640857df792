package dev.pfgm.engine.ode;

/** Forward Euler on a fixed grid of K steps: NFE = K. */
public final class Euler implements OdeSolver {
    private final int steps;
    private final Grid grid;

    public Euler(int steps, Grid grid) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        this.steps = steps;
        this.grid = grid;
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
        long[] nfe = new long[rows];
        java.util.Arrays.fill(nfe, steps);
        return new Solution(nfe, (long) steps * rows, 0);
    }
}
