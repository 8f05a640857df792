package dev.pfgm.engine.field;


/**
 * The empirical Poisson field of a batch of charges at augmented points (x, z): PFGM's training
 * target (math.md, section 3; paper, section 3.2).
 *
 * <p>Each charge y_j gets the weight d_ij^-(N+1), d_ij^2 = |x_i - y_j|^2 + z_i^2, normalised over
 * j: a softmax of the log-weights l_ij = -(N+1)/2 ln d_ij^2. Subtracting the largest log-weight
 * (the nearest charge's) is the same as dividing by the nearest charge's weight, so the weights
 * are computed as (d_min^2 / d_ij^2)^((N+1)/2) <= 1: the log-sum-exp shift, written with powers
 * instead of a log and an exp per pair (no overflow, underflow only to 0 for negligible charges).
 * mu_i = sum_j w_ij y_j is the charges' weighted mean; the field direction is (x_i - mu_i, z_i).
 *
 * <p>Training uses {@link FieldProducts}: single precision, all weighted sums as one matrix
 * product. Up to {@value #DIRECT_MAX_DIM} dimensions distances come from explicit differences, as
 * section 3 advises; with (N+1)/2 <= 8.5, float's relative error of 1e-7 in d^2 moves a weight by
 * about 1e-6. {@link #weights} is the double-precision reference that tests compare it with.
 */
public final class EmpiricalField {
    /** Largest dimension computed with explicit differences; above it, matrix products. */
    public static final int DIRECT_MAX_DIM = 16;

    private final int dim;
    private final double gamma;
    private final ThreadLocal<FieldProducts> products;

    public EmpiricalField(int dim, double gamma) {
        this(dim, gamma, true);
    }

    public EmpiricalField(int dim, double gamma, boolean parallel) {
        this.dim = dim;
        this.gamma = gamma;
        this.products = ThreadLocal.withInitial(() -> new FieldProducts(dim, parallel));
    }

    /**
     * Weighted charge means: {@code x} [rows, N], {@code z} [rows], {@code charges} [count, N];
     * writes {@code mu} [rows, N].
     */
    public void chargeMeans(double[] x, double[] z, int rows, double[] charges, int count, double[] mu) {
        products.get().chargeMeans(x, z, rows, charges, count, mu);
    }

    /** sum_j a_j (ones ? 1 : b_j), in four interleaved partial sums (the double-precision reference). */
    private static double sum(double[] a, double[] b, int count, boolean ones) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        if (ones) {
            for (; j + 3 < count; j += 4) {
                s0 += a[j];
                s1 += a[j + 1];
                s2 += a[j + 2];
                s3 += a[j + 3];
            }
            for (; j < count; j++) {
                s0 += a[j];
            }
        } else {
            for (; j + 3 < count; j += 4) {
                s0 += a[j] * b[j];
                s1 += a[j + 1] * b[j + 1];
                s2 += a[j + 2] * b[j + 2];
                s3 += a[j + 3] * b[j + 3];
            }
            for (; j < count; j++) {
                s0 += a[j] * b[j];
            }
        }
        return (s0 + s1) + (s2 + s3);
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
        double[] w = unnormalisedWeights(x, off, z, cols, count);
        double inv = 1 / sum(w, w, count, true);
        for (int j = 0; j < count; j++) {
            w[j] *= inv;
        }
        return w;
    }

    /** (d_min^2 / d_j^2)^((N+1)/2) for every charge j: the weights relative to the nearest one. */
    private double[] unnormalisedWeights(double[] x, int off, double z, double[][] cols, int count) {
        double[][] s = SCRATCH.get();
        if (s[0].length < count) {
            s[0] = new double[count];
            s[1] = new double[count];
        }
        double[] d2 = s[0];
        double[] w = s[1];
        // 1. squared distances in the augmented space, and the nearest
        double zz = z * z;
        double[] c0 = cols[0];
        double x0 = x[off];
        for (int j = 0; j < count; j++) {
            double e = x0 - c0[j];
            d2[j] = zz + e * e;
        }
        for (int k = 1; k < dim; k++) {
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
        // 2. ratio to the nearest charge, r = d_min^2 / d^2 in (0, 1], raised to (N+1)/2
        for (int j = 0; j < count; j++) {
            w[j] = min / d2[j];
        }
        raise(w, d2, count, (dim + 1) / 2, (dim + 1) % 2 == 1);
        return w;
    }

    /** w[j] <- w[j]^p * (half ? sqrt(w[j]) : 1), using {@code tmp} as the running square. */
    static void raise(double[] w, double[] tmp, int count, int p, boolean half) {
        if (p == 1 && half) {
            // N = 2, the common case: r^1.5 in one pass
            for (int j = 0; j < count; j++) {
                double r = w[j];
                w[j] = r * Math.sqrt(r);
            }
            return;
        }
        for (int j = 0; j < count; j++) {
            tmp[j] = w[j];
        }
        if (half) {
            for (int j = 0; j < count; j++) {
                w[j] = Math.sqrt(w[j]);
            }
        } else {
            java.util.Arrays.fill(w, 0, count, 1.0);
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
