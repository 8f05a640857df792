package dev.pfgm.engine.ode;

/**
 * Heun's method (explicit trapezoid) on a fixed grid of K steps. The last step keeps the Euler
 * predictor, as in PFGM and EDM, so NFE = 2K - 1.
 */
public final class Heun extends FixedStepSolver {
    public Heun(int steps, Grid grid) {
        super(steps, grid);
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
        return uniform(rows, 2L * steps - 1);
    }
}
