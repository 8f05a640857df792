package dev.pfgm.engine.quality;

import dev.pfgm.engine.sample.SeedPlan;

/** A Gaussian mixture with known density, for quality tests: weights, means and covariances. */
final class GaussianMixture {
    final int dim;
    final double[] weights;
    final double[][] means;
    private final double[][][] chol;
    private final double[] logNorm;

    GaussianMixture(double[] weights, double[][] means, double[][][] covariances) {
        this.dim = means[0].length;
        this.weights = weights;
        this.means = means;
        this.chol = new double[weights.length][][];
        this.logNorm = new double[weights.length];
        for (int c = 0; c < weights.length; c++) {
            chol[c] = cholesky(covariances[c]);
            double logDet = 0;
            for (int k = 0; k < dim; k++) {
                logDet += 2 * Math.log(chol[c][k][k]);
            }
            logNorm[c] = Math.log(weights[c]) - 0.5 * logDet - 0.5 * dim * Math.log(2 * Math.PI);
        }
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
            for (int k = 0; k < dim; k++) {
                double s = means[c][k];
                for (int l = 0; l <= k; l++) {
                    s += chol[c][k][l] * g[l];
                }
                x[i * dim + k] = s;
            }
        }
        return x;
    }

    /** ln(w_c N(x; mu_c, Sigma_c)) for each component c. */
    double[] componentLogDensities(double[] x, int off) {
        double[] out = new double[weights.length];
        double[] y = new double[dim];
        for (int c = 0; c < weights.length; c++) {
            // solve L y = x - mu
            double q = 0;
            for (int k = 0; k < dim; k++) {
                double s = x[off + k] - means[c][k];
                for (int l = 0; l < k; l++) {
                    s -= chol[c][k][l] * y[l];
                }
                y[k] = s / chol[c][k][k];
                q += y[k] * y[k];
            }
            out[c] = logNorm[c] - 0.5 * q;
        }
        return out;
    }

    double logDensity(double[] x, int off) {
        double[] l = componentLogDensities(x, off);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : l) {
            max = Math.max(max, v);
        }
        double s = 0;
        for (double v : l) {
            s += Math.exp(v - max);
        }
        return max + Math.log(s);
    }

    private static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        return l;
    }
}
