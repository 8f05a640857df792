package dev.pfgm.engine.quality;

import dev.pfgm.engine.random.SeedPlan;
import java.util.Arrays;

/** Distances between point sets, as the engine issue defines them. */
final class SampleMetrics {
    private SampleMetrics() {
    }

    /**
     * Sliced Wasserstein-1: the mean over {@code directions} random unit directions of the 1-D
     * W1 between the projections (sorted, equal sizes).
     */
    static double slicedW1(double[] a, double[] b, int dim, int directions, long seed) {
        int n = Math.min(a.length, b.length) / dim;
        SeedPlan r = SeedPlan.of(seed);
        double total = 0;
        double[] pa = new double[n];
        double[] pb = new double[n];
        double[] u = new double[dim];
        for (int d = 0; d < directions; d++) {
            double norm = 0;
            for (int k = 0; k < dim; k++) {
                u[k] = r.nextGaussian();
                norm += u[k] * u[k];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                double sa = 0;
                double sb = 0;
                for (int k = 0; k < dim; k++) {
                    sa += a[i * dim + k] * u[k] / norm;
                    sb += b[i * dim + k] * u[k] / norm;
                }
                pa[i] = sa;
                pb[i] = sb;
            }
            Arrays.sort(pa);
            Arrays.sort(pb);
            double w = 0;
            for (int i = 0; i < n; i++) {
                w += Math.abs(pa[i] - pb[i]);
            }
            total += w / n;
        }
        return total / directions;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
