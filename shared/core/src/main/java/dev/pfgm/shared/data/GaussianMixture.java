package dev.pfgm.shared.data;

import java.util.SplittableRandom;

/**
 * A Gaussian mixture with its density in closed form: weights, means and covariances (Cholesky
 * factors kept). The builtin sets with known densities are mixtures, so a likelihood can be set
 * beside the truth.
 */
public final class GaussianMixture {
    private final int dim;
    private final double[] weights;
    private final double[][] means;
    private final double[][][] chol;
    private final double[] logNorm;

    public GaussianMixture(double[] weights, double[][] means, double[][][] covariances) {
        this.dim = means[0].length;
        this.weights = weights.clone();
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

    public int dim() {
        return dim;
    }

    public int components() {
        return weights.length;
    }

    public double weight(int c) {
        return weights[c];
    }

    /** One point into {@code out[0 .. dim)}: a component by its weight, then its Gaussian. */
    public void sample(SplittableRandom r, double[] out) {
        double u = r.nextDouble();
        int c = 0;
        double acc = weights[0];
        while (u > acc && c < weights.length - 1) {
            acc += weights[++c];
        }
        double[] g = new double[dim];
        for (int k = 0; k < dim; k++) {
            g[k] = BuiltinData.gaussian(r);
        }
        point(c, g, out, 0);
    }

    /** Component c's point for standard normals {@code g}: mean + L g, into {@code out[off ..]}. */
    public void point(int c, double[] g, double[] out, int off) {
        for (int i = 0; i < dim; i++) {
            double s = means[c][i];
            for (int k = 0; k <= i; k++) {
                s += chol[c][i][k] * g[k];
            }
            out[off + i] = s;
        }
    }

    /** ln(w_c N(x; mu_c, Sigma_c)) for each component c, at the point {@code x[off .. off + dim)}. */
    public double[] componentLogDensities(double[] x, int off) {
        double[] terms = new double[weights.length];
        double[] z = new double[dim];
        for (int c = 0; c < weights.length; c++) {
            // solve L z = x - mean: the squared Mahalanobis distance is |z|^2
            double q = 0;
            for (int i = 0; i < dim; i++) {
                double s = x[off + i] - means[c][i];
                for (int k = 0; k < i; k++) {
                    s -= chol[c][i][k] * z[k];
                }
                z[i] = s / chol[c][i][i];
                q += z[i] * z[i];
            }
            terms[c] = logNorm[c] - 0.5 * q;
        }
        return terms;
    }

    /** ln p(x) for the point at {@code x[off .. off + dim)}, by log-sum-exp over the components. */
    public double logDensity(double[] x, int off) {
        return logSumExp(componentLogDensities(x, off));
    }

    /** ln sum_i exp(v_i), shifted by the largest term so that nothing overflows. */
    public static double logSumExp(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double t : v) {
            max = Math.max(max, t);
        }
        double sum = 0;
        for (double t : v) {
            sum += Math.exp(t - max);
        }
        return max + Math.log(sum);
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
                if (i == j) {
                    if (s <= 0) {
                        throw new IllegalArgumentException("covariance is not positive definite");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        return l;
    }
}
