package dev.pfgm.engine.ode;

/**
 * Heun's method (explicit trapezoid) on a fixed grid of K steps. The last step keeps the Euler
 * predictor, as in PFGM and EDM, so NFE = 2K - 1.
 */
public final class Heun extends FixedStepSolver {
    public Heun(int steps, Grid grid) {
        super("heun", steps, grid);
    }

    @Override
    Step step(Slope slope, int length) {
        double[] f0 = new double[length];
        double[] f1 = new double[length];
        double[] pred = new double[length];
        return (y, t0, t1, last) -> {
            double h = t1 - t0;
            slope.at(t0, y, f0);
            // 1. Euler predictor
            for (int i = 0; i < length; i++) {
                pred[i] = y[i] + h * f0[i];
            }
            if (last) {
                System.arraycopy(pred, 0, y, 0, length);
            } else {
                // 2. trapezoidal corrector with the slope at the predicted point
                slope.at(t1, pred, f1);
                for (int i = 0; i < length; i++) {
                    y[i] += 0.5 * h * (f0[i] + f1[i]);
                }
            }
        };
    }

    @Override
    long evaluationsPerRow() {
        return 2L * steps - 1;
    }
}
