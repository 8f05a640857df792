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
 * about 1e-6. The tests hold it against double-precision weights computed from the definition.
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

    /** Training targets [rows, N + 1]: the normalised field at each (x_i, z_i). */
    public void targets(double[] x, double[] z, int rows, double[] charges, int count, double[] v) {
        double[] mu = new double[rows * dim];
        chargeMeans(x, z, rows, charges, count, mu);
        for (int i = 0; i < rows; i++) {
            NormalisedField.evaluate(x, mu, i * dim, dim, z[i], gamma, v, i * (dim + 1));
        }
    }
}
