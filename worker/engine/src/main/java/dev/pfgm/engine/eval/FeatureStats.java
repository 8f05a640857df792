package dev.pfgm.engine.eval;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Mean and covariance of feature vectors, and the Fréchet distance between two such Gaussians:
 * |mu1 - mu2|^2 + tr(C1 + C2 - 2 (C1 C2)^(1/2)) (Heusel et al. 2017). The trace of the square
 * root is computed as the sum of square roots of the eigenvalues of C1^(1/2) C2 C1^(1/2), which
 * is symmetric, so no general matrix square root is needed.
 */
public record FeatureStats(double[] mean, double[][] cov, int count) {

    public static FeatureStats of(float[] features, int n, int dim) {
        double[] mean = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                mean[k] += features[i * dim + k];
            }
        }
        for (int k = 0; k < dim; k++) {
            mean[k] /= n;
        }
        double[][] cov = new double[dim][dim];
        double[] d = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                d[k] = features[i * dim + k] - mean[k];
            }
            for (int a = 0; a < dim; a++) {
                double da = d[a];
                double[] row = cov[a];
                for (int b = a; b < dim; b++) {
                    row[b] += da * d[b];
                }
            }
        }
        for (int a = 0; a < dim; a++) {
            for (int b = a; b < dim; b++) {
                cov[a][b] /= Math.max(1, n - 1);
                cov[b][a] = cov[a][b];
            }
        }
        return new FeatureStats(mean, cov, n);
    }

    public double frechet(FeatureStats other) {
        int dim = mean.length;
        double dm = 0;
        double tr = 0;
        for (int k = 0; k < dim; k++) {
            double e = mean[k] - other.mean[k];
            dm += e * e;
            tr += cov[k][k] + other.cov[k][k];
        }
        RealMatrix c1 = new Array2DRowRealMatrix(cov);
        RealMatrix c2 = new Array2DRowRealMatrix(other.cov);
        EigenDecomposition e1 = new EigenDecomposition(c1);
        double[] ev = e1.getRealEigenvalues();
        RealMatrix v = e1.getV();
        double[] root = new double[dim];
        for (int k = 0; k < dim; k++) {
            root[k] = Math.sqrt(Math.max(0, ev[k]));
        }
        // S = V diag(sqrt ev) V^T
        RealMatrix scaled = v.copy();
        for (int r = 0; r < dim; r++) {
            for (int k = 0; k < dim; k++) {
                scaled.setEntry(r, k, scaled.getEntry(r, k) * root[k]);
            }
        }
        RealMatrix s = scaled.multiply(v.transpose());
        RealMatrix m = s.multiply(c2).multiply(s);
        // symmetrise against rounding before the symmetric eigen-solver
        RealMatrix sym = m.add(m.transpose()).scalarMultiply(0.5);
        double sqrtTrace = 0;
        for (double l : new EigenDecomposition(sym).getRealEigenvalues()) {
            sqrtTrace += Math.sqrt(Math.max(0, l));
        }
        return dm + tr - 2 * sqrtTrace;
    }
}
