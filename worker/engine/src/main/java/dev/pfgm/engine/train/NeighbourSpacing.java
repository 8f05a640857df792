package dev.pfgm.engine.train;

import dev.pfgm.engine.random.SeedPlan;
import java.util.Arrays;

/**
 * The median distance from a training point to its nearest neighbour: the scale below which the
 * data say nothing about the density. Estimated from up to {@value #QUERIES} query points against up
 * to {@value #REFERENCES} reference points; with fewer references than points the distance is
 * rescaled by (references / n)^(1/N), as nearest-neighbour distances scale with n^(-1/N).
 */
final class NeighbourSpacing {
    static final int QUERIES = 512;
    static final int REFERENCES = 20_000;

    private NeighbourSpacing() {
    }

    static double median(double[] points, int dim, SeedPlan rng) {
        int n = points.length / dim;
        if (n < 2) {
            return 0;
        }
        int refs = Math.min(n, REFERENCES);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = 0; i < refs; i++) {
            int k = i + rng.nextInt(n - i);
            int t = order[i];
            order[i] = order[k];
            order[k] = t;
        }
        int queries = Math.min(QUERIES, refs);
        double[] nearest = new double[queries];
        for (int q = 0; q < queries; q++) {
            int a = order[q];
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < refs; r++) {
                int b = order[r];
                if (b == a) {
                    continue;
                }
                double d2 = 0;
                for (int k = 0; k < dim; k++) {
                    double e = points[a * dim + k] - points[b * dim + k];
                    d2 += e * e;
                }
                best = Math.min(best, d2);
            }
            nearest[q] = Math.sqrt(best);
        }
        Arrays.sort(nearest);
        return nearest[queries / 2] * Math.pow((double) refs / n, 1.0 / dim);
    }
}
