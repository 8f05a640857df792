package dev.pfgm.engine.field;

import java.util.stream.IntStream;

/**
 * The empirical Poisson field of a batch of charges at augmented points (x, z): PFGM's training
 * target (pfgm-math.md, section 3; paper, section 3.2).
 *
 * <p>Each charge y_j gets the weight d_ij^-(N+1), d_ij^2 = |x_i - y_j|^2 + z_i^2, normalised over
 * j: a softmax of the log-weights l_ij = -(N+1)/2 ln d_ij^2. Subtracting the largest log-weight
 * (the nearest charge's) is the same as dividing by the nearest charge's weight, so the weights
 * are computed as (d_min^2 / d_ij^2)^((N+1)/2) <= 1: the log-sum-exp shift, written with powers
 * instead of a log and an exp per pair (no overflow, underflow only to 0 for negligible charges).
 * Distances come from explicit differences in double precision, as section 3 advises.
 * mu_i = sum_j w_ij y_j is the charges' weighted mean; the field direction is (x_i - mu_i, z_i).
 */
public final class EmpiricalField {
    private final int dim;
    private final double gamma;
    private final boolean parallel;

    public EmpiricalField(int dim, double gamma) {
        this(dim, gamma, true);
    }

    public EmpiricalField(int dim, double gamma, boolean parallel) {
        this.dim = dim;
        this.gamma = gamma;
        this.parallel = parallel;
    }

    /**
     * Weighted charge means: {@code x} [rows, N], {@code z} [rows], {@code charges} [count, N];
     * writes {@code mu} [rows, N].
     */
    public void chargeMeans(double[] x, double[] z, int rows, double[] charges, int count, double[] mu) {
        double[][] cols = columns(charges, count);
        IntStream range = IntStream.range(0, rows);
        (parallel && rows > 16 ? range.parallel() : range).forEach(i -> {
            double[] w = weights(x, i * dim, z[i], cols, count);
            for (int k = 0; k < dim; k++) {
                double[] c = cols[k];
                double s = 0;
                for (int j = 0; j < count; j++) {
                    s += w[j] * c[j];
                }
                mu[i * dim + k] = s;
            }
        });
    }

    /** Training targets [rows, N + 1]: the normalised field at each (x_i, z_i). */
    public void targets(double[] x, double[] z, int rows, double[] charges, int count, double[] v) {
        double[] mu = new double[rows * dim];
        chargeMeans(x, z, rows, charges, count, mu);
        for (int i = 0; i < rows; i++) {
            NormalisedField.evaluate(x, mu, i * dim, dim, z[i], gamma, v, i * (dim + 1));
        }
    }

    /** Normalised weights of every charge for one query point (exposed for tests). */
    public double[] weights(double[] query, double z, double[] charges, int count) {
        return weights(query, 0, z, columns(charges, count), count).clone();
    }

    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[2][0]);

    private double[] weights(double[] x, int off, double z, double[][] cols, int count) {
        double[][] s = SCRATCH.get();
        if (s[0].length < count) {
            s[0] = new double[count];
            s[1] = new double[count];
        }
        double[] d2 = s[0];
        double[] w = s[1];
        // 1. squared distances in the augmented space
        java.util.Arrays.fill(d2, 0, count, z * z);
        for (int k = 0; k < dim; k++) {
            double xk = x[off + k];
            double[] c = cols[k];
            for (int j = 0; j < count; j++) {
                double e = xk - c[j];
                d2[j] += e * e;
            }
        }
        double min = Double.POSITIVE_INFINITY;
        for (int j = 0; j < count; j++) {
            min = Math.min(min, d2[j]);
        }
        min = Math.max(min, Double.MIN_NORMAL);
        // 2. ratio to the nearest charge: r = d_min^2 / d^2 in (0, 1]
        for (int j = 0; j < count; j++) {
            w[j] = min / Math.max(d2[j], Double.MIN_NORMAL);
        }
        // 3. r^((N+1)/2): integer part by repeated squaring, then sqrt(r) when N+1 is odd
        raise(w, d2, count, (dim + 1) / 2, (dim + 1) % 2 == 1);
        double sum = 0;
        for (int j = 0; j < count; j++) {
            sum += w[j];
        }
        double inv = 1 / sum;
        for (int j = 0; j < count; j++) {
            w[j] *= inv;
        }
        return w;
    }

    /** w[j] <- w[j]^p * (half ? sqrt(w[j]) : 1), using {@code tmp} as the running square. */
    private static void raise(double[] w, double[] tmp, int count, int p, boolean half) {
        for (int j = 0; j < count; j++) {
            tmp[j] = w[j];
            w[j] = half ? Math.sqrt(w[j]) : 1.0;
        }
        while (p > 0) {
            if ((p & 1) == 1) {
                for (int j = 0; j < count; j++) {
                    w[j] *= tmp[j];
                }
            }
            p >>= 1;
            if (p > 0) {
                for (int j = 0; j < count; j++) {
                    tmp[j] *= tmp[j];
                }
            }
        }
    }

    private double[][] columns(double[] charges, int count) {
        double[][] cols = new double[dim][count];
        for (int j = 0; j < count; j++) {
            for (int k = 0; k < dim; k++) {
                cols[k][j] = charges[j * dim + k];
            }
        }
        return cols;
    }
}
