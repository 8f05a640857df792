package dev.pfgm.engine.quality;

import dev.pfgm.engine.random.SeedPlan;

/** A Gaussian mixture with known density, for quality tests: weights, means and covariances. */
final class GaussianMixture {
    final int dim;
    final double[] weights;
    final double[][] means;
    /** The density and the Cholesky transform: the shared class the builtin sets use. */
    private final dev.pfgm.shared.data.GaussianMixture law;

    GaussianMixture(double[] weights, double[][] means, double[][][] covariances) {
        this.dim = means[0].length;
        this.weights = weights;
        this.means = means;
        this.law = new dev.pfgm.shared.data.GaussianMixture(weights, means, covariances);
    }

    /** Five anisotropic components in 2-D with unequal weights. */
    static GaussianMixture twoD() {
        return new GaussianMixture(new double[] {0.3, 0.25, 0.2, 0.15, 0.1},
                new double[][] {{-1.5, -1.0}, {1.5, -1.0}, {0.0, 1.5}, {-1.2, 1.6}, {1.8, 1.4}},
                new double[][][] {{{0.15, 0.05}, {0.05, 0.1}}, {{0.1, -0.04}, {-0.04, 0.12}}, {{0.2, 0}, {0, 0.05}},
                        {{0.05, 0}, {0, 0.05}}, {{0.08, 0.03}, {0.03, 0.08}}});
    }

    /** Six components in 6-D with random means (scale 1.2) and random full covariances. */
    static GaussianMixture sixD() {
        int k = 6;
        int d = 6;
        SeedPlan r = SeedPlan.of(42);
        double[][] means = new double[k][d];
        double[][][] cov = new double[k][d][d];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < d; i++) {
                means[c][i] = 1.2 * r.nextGaussian();
            }
            double[][] a = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    a[i][j] = 0.15 * r.nextGaussian();
                }
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double s = i == j ? 0.05 : 0;
                    for (int l = 0; l < d; l++) {
                        s += a[i][l] * a[j][l];
                    }
                    cov[c][i][j] = s;
                }
            }
        }
        return new GaussianMixture(new double[] {0.25, 0.2, 0.18, 0.15, 0.12, 0.10}, means, cov);
    }

    /** n points, row-major, from stream {@code seed}. */
    double[] sample(int n, long seed) {
        SeedPlan r = SeedPlan.of(seed);
        double[] x = new double[n * dim];
        double[] g = new double[dim];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int c = 0;
            double acc = weights[0];
            while (u > acc && c < weights.length - 1) {
                acc += weights[++c];
            }
            for (int k = 0; k < dim; k++) {
                g[k] = r.nextGaussian();
            }
            law.point(c, g, x, i * dim);
        }
        return x;
    }

    /** ln(w_c N(x; mu_c, Sigma_c)) for each component c. */
    double[] componentLogDensities(double[] x, int off) {
        return law.componentLogDensities(x, off);
    }

    double logDensity(double[] x, int off) {
        return law.logDensity(x, off);
    }
}
