package dev.pfgm.engine.ode;

/**
 * Heun's method (explicit trapezoid) on a fixed grid of K steps. The last step keeps the Euler
 * predictor, as in PFGM and EDM, so NFE = 2K - 1.
 */
public final class Heun implements OdeSolver {
    private final int steps;
    private final Grid grid;

    public Heun(int steps, Grid grid) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        this.steps = steps;
        this.grid = grid;
    }

    @Override
    public String name() {
        return "heun";
    }

    @Override
    public Solution solve(OdeSystem system, double[] y, int rows, double from, double to, StepObserver observer) {
        double[] p = grid.points(from, to, steps);
        double[] tau = new double[rows];
        double[] f0 = new double[y.length];
        double[] f1 = new double[y.length];
        double[] pred = new double[y.length];
        for (int k = 0; k < steps; k++) {
            double h = p[k + 1] - p[k];
            java.util.Arrays.fill(tau, p[k]);
            system.derivative(tau, y, f0, rows);
            // 1. Euler predictor
            for (int i = 0; i < y.length; i++) {
                pred[i] = y[i] + h * f0[i];
            }
            if (k == steps - 1) {
                System.arraycopy(pred, 0, y, 0, y.length);
            } else {
                // 2. trapezoidal corrector with the slope at the predicted point
                java.util.Arrays.fill(tau, p[k + 1]);
                system.derivative(tau, pred, f1, rows);
                for (int i = 0; i < y.length; i++) {
                    y[i] += 0.5 * h * (f0[i] + f1[i]);
                }
            }
            observer.onStep((k + 1.0) / steps);
        }
        long[] nfe = new long[rows];
        java.util.Arrays.fill(nfe, 2L * steps - 1);
        return new Solution(nfe, (long) steps * rows, 0);
    }
}
