package dev.pfgm.engine.field;

/**
 * The exact charge mean of a fixed set of charges (the empirical field of section 3 with all of
 * them), with its Jacobian in closed form: with w_j the normalised weights and
 * a_j = -(N+1) (x - y_j) / d_j^2, dm/dx = sum_j w_j (y_j - m) a_j^T. For solver and likelihood
 * tests, where the true flow is known.
 */
public final class ExactChargeMean implements ChargeMean {
    private final int dim;
    private final double[] charges;
    private final int count;
    private final ReferenceWeights reference;
    private double[] lastX = new double[0];
    private double[] lastS = new double[0];
    private double[] lastM = new double[0];
    private int rows;

    public ExactChargeMean(int dim, double[] charges) {
        this.dim = dim;
        this.charges = charges.clone();
        this.count = charges.length / dim;
        this.reference = new ReferenceWeights(dim);
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public void chargeMean(double[] x, double[] s, int rows, double[] m) {
        // the double-precision reference weights: this class is a test oracle
        for (int i = 0; i < rows; i++) {
            double[] w = reference.weights(java.util.Arrays.copyOfRange(x, i * dim, (i + 1) * dim), s[i], charges, count);
            for (int k = 0; k < dim; k++) {
                double sum = 0;
                for (int j = 0; j < count; j++) {
                    sum += w[j] * charges[j * dim + k];
                }
                m[i * dim + k] = sum;
            }
        }
        this.rows = rows;
        lastX = java.util.Arrays.copyOf(x, rows * dim);
        lastS = java.util.Arrays.copyOf(s, rows);
        lastM = java.util.Arrays.copyOf(m, rows * dim);
    }

    @Override
    public void jacobianTrace(double[] trace) {
        for (int i = 0; i < rows; i++) {
            double[][] jac = jacobian(i);
            double t = 0;
            for (int k = 0; k < dim; k++) {
                t += jac[k][k];
            }
            trace[i] = t;
        }
    }

    @Override
    public void probeForms(double[] probes, int probeCount, double[] forms) {
        double[][][] jacs = new double[rows][][];
        for (int i = 0; i < rows; i++) {
            jacs[i] = jacobian(i);
        }
        for (int b = 0; b < probeCount * rows; b++) {
            double[][] jac = jacs[b % rows];
            double q = 0;
            for (int k = 0; k < dim; k++) {
                for (int l = 0; l < dim; l++) {
                    q += probes[b * dim + k] * jac[k][l] * probes[b * dim + l];
                }
            }
            forms[b] = q;
        }
    }

    /** dm_k/dx_l at row i of the last call. */
    public double[][] jacobian(int i) {
        double[] xi = java.util.Arrays.copyOfRange(lastX, i * dim, (i + 1) * dim);
        double[] w = reference.weights(xi, lastS[i], charges, count);
        double[][] jac = new double[dim][dim];
        for (int j = 0; j < count; j++) {
            double d2 = lastS[i] * lastS[i];
            for (int k = 0; k < dim; k++) {
                double e = xi[k] - charges[j * dim + k];
                d2 += e * e;
            }
            for (int k = 0; k < dim; k++) {
                double yk = charges[j * dim + k] - lastM[i * dim + k];
                for (int l = 0; l < dim; l++) {
                    double al = -(dim + 1) * (xi[l] - charges[j * dim + l]) / d2;
                    jac[k][l] += w[j] * yk * al;
                }
            }
        }
        return jac;
    }
}
