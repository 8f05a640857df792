package dev.pfgm.engine.eval;

import dev.pfgm.engine.random.SeedPlan;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The weak baseline of the evaluation: one full-covariance Gaussian fitted to the training images
 * (in [-1, 1] pixel units). A small ridge (1e-4 times the mean variance) keeps the covariance
 * positive definite where border pixels barely vary. It samples by its Cholesky factor and scores
 * points exactly.
 */
public final class GaussianBaseline {
    private final int dim;
    private final double[] mean;
    private final double[][] lower;
    private final double logDet;

    private GaussianBaseline(int dim, double[] mean, double[][] lower, double logDet) {
        this.dim = dim;
        this.mean = mean;
        this.lower = lower;
        this.logDet = logDet;
    }

    /** Fits mean and covariance to {@code n} points [n, dim] (the product runs in ND4J). */
    public static GaussianBaseline fit(float[] points, int n, int dim) {
        INDArray x = Nd4j.create(points, new long[] {n, dim}).castTo(DataType.DOUBLE);
        INDArray mu = x.mean(0);
        INDArray centred = x.subRowVector(mu);
        INDArray cov = centred.transpose().mmul(centred).divi(Math.max(1, n - 1));
        double meanVar = 0;
        for (int k = 0; k < dim; k++) {
            meanVar += cov.getDouble(k, k);
        }
        meanVar /= dim;
        double[][] c = cov.toDoubleMatrix();
        for (int k = 0; k < dim; k++) {
            c[k][k] += 1e-4 * meanVar;
        }
        RealMatrix l = new CholeskyDecomposition(new Array2DRowRealMatrix(c), 1e-12, 1e-14).getL();
        double logDet = 0;
        for (int k = 0; k < dim; k++) {
            logDet += 2 * Math.log(l.getEntry(k, k));
        }
        return new GaussianBaseline(dim, mu.toDoubleVector(), l.getData(), logDet);
    }

    /** {@code count} samples [count, dim]; sample i depends on (seed, i) only. */
    public float[] sample(int count, long seed) {
        float[] out = new float[count * dim];
        double[] g = new double[dim];
        for (int i = 0; i < count; i++) {
            SeedPlan rng = SeedPlan.forItem(seed, i);
            for (int k = 0; k < dim; k++) {
                g[k] = rng.nextGaussian();
            }
            for (int r = 0; r < dim; r++) {
                double s = mean[r];
                double[] row = lower[r];
                for (int k = 0; k <= r; k++) {
                    s += row[k] * g[k];
                }
                out[i * dim + r] = (float) s;
            }
        }
        return out;
    }

    /** Negative log-density in nats of each point [n, dim]. */
    public double[] nll(double[] points, int n) {
        double[] out = new double[n];
        double[] y = new double[dim];
        double constant = 0.5 * (dim * Math.log(2 * Math.PI) + logDet);
        for (int i = 0; i < n; i++) {
            // solve L y = x - mu by forward substitution; the quadratic form is |y|^2
            double q = 0;
            for (int r = 0; r < dim; r++) {
                double s = points[i * dim + r] - mean[r];
                double[] row = lower[r];
                for (int k = 0; k < r; k++) {
                    s -= row[k] * y[k];
                }
                y[r] = s / row[r];
                q += y[r] * y[r];
            }
            out[i] = 0.5 * q + constant;
        }
        return out;
    }
}
