package dev.pfgm.engine.ode;

/** Forward Euler on a fixed grid of K steps: NFE = K. */
public final class Euler extends FixedStepSolver {
    public Euler(int steps, Grid grid) {
        super("euler", steps, grid);
    }

    @Override
    Step step(Slope slope, int length) {
        double[] f = new double[length];
        return (y, t0, t1, last) -> {
            double h = t1 - t0;
            slope.at(t0, y, f);
            for (int i = 0; i < length; i++) {
                y[i] += h * f[i];
            }
        };
    }

    @Override
    long evaluationsPerRow() {
        return steps;
    }
}
