package dev.pfgm.engine.nn;

import dev.pfgm.engine.field.Conditional;
import java.util.Arrays;

/**
 * The network f(x, z) of PFGM for vector data: an MLP that predicts the charges' weighted mean
 * m(x, z), and the normalised field of that mean as its (N+1)-vector output,
 * f = -sqrt(N) (x - m, z) / (|(x - m, z)| + gamma).
 *
 * <p>Why predict the mean: every training target of math.md section 3 has exactly this form
 * with m = mu, so the head loses nothing, and it guarantees f_z < 0. The ODE's ratio then never
 * divides by a wrong-signed f_z, and dx/dz = f_x / f_z = (x - m) / z exactly (fact F4), so in
 * t = ln z the drift is simply x - m (section 7), and the paper's near-plane substitution is not
 * needed. The same m(x, s) is what PFGM++ and diffusion models learn (section 11.3), so they can
 * reuse this class with another objective and prior.
 *
 * <p>Preconditioning, after EDM (Karras et al. 2022) with unit data variance:
 * m = c_skip x + c_out F(c_in x, embed(ln s), ln(1 + rho^2) / 4), where
 * rho^2 = s^2 + max(0, |x| - R)^2 and R is the largest norm of a standardised training point, so
 * rho is a lower bound on the distance from (x, s) to any charge. Near the data (rho small) m is x
 * plus a correction of size rho, which keeps samples sharp; far away (rho large) m is F, bounded, so
 * the drift tends to the radial far field x whatever the network does outside its training range.
 * The embedding of ln s is sin and cos at frequencies 2^k / 8, k < K. Optionally the scaled point
 * u = c_in x is embedded too, as sin and cos of 2 pi 2^l (w_d . u) / 2 for D fixed random unit
 * directions w_d and L octaves l: sharp features in x (edges of a support) are then within reach
 * of a small MLP. A class-conditional network takes a one-hot of each row's label as further inputs
 * (all zero for no label), so one network learns the classes' fields and, from the rows trained
 * without their label, the unconditional one that classifier-free guidance contrasts with.
 */
public final class FieldNetwork implements Conditional {
    private static final double BASE_FREQUENCY = 0.125;

    private static final double X_BASE_FREQUENCY = 2 * Math.PI * 0.5;

    /** Tangent rows x values of one pass of the exact trace (a 256-row chunk of 16 columns is one pass). */
    static final int PASS_VALUES = 1 << 16;

    private final int dim;
    private final double dataRadius;
    private final int frequencies;
    private final int directions;
    private final int octaves;
    private final double[] dirs;
    private final int classes;
    private final int inputs;
    private final Mlp mlp;
    private int[] labels;

    private int rows;
    private float[] features = new float[0];
    private float[] dF = new float[0];
    private double[] lastX = new double[0];
    private double[] out = new double[0];
    private double[] rho = new double[0];
    private double[] cIn = new double[0];
    private double[] cSkip = new double[0];
    private double[] cOut = new double[0];
    private double[] gradScale = new double[0];

    public FieldNetwork(int dim, double dataRadius, int hidden, int depth, int frequencies) {
        this(dim, dataRadius, hidden, depth, frequencies, 0, 0);
    }

    public FieldNetwork(int dim, double dataRadius, int hidden, int depth, int frequencies, int directions,
                        int octaves) {
        this(dim, dataRadius, hidden, depth, frequencies, directions, octaves, 0);
    }

    /** @param classes number of classes of a class-conditional network (0: unconditional) */
    public FieldNetwork(int dim, double dataRadius, int hidden, int depth, int frequencies, int directions,
                        int octaves, int classes) {
        this.dim = dim;
        this.classes = classes;
        this.dataRadius = dataRadius;
        this.frequencies = frequencies;
        this.directions = octaves > 0 ? directions : 0;
        this.octaves = this.directions > 0 ? octaves : 0;
        this.dirs = new double[this.directions * dim];
        // fixed directions: a function of the dimension only, so the model file need not store them
        dev.pfgm.engine.random.SeedPlan r = dev.pfgm.engine.random.SeedPlan.of(0x9E3779B9L + dim);
        for (int d = 0; d < this.directions; d++) {
            double n2 = 0;
            for (int k = 0; k < dim; k++) {
                double g = r.nextGaussian();
                dirs[d * dim + k] = g;
                n2 += g * g;
            }
            double inv = 1 / Math.sqrt(n2);
            for (int k = 0; k < dim; k++) {
                dirs[d * dim + k] *= inv;
            }
        }
        this.inputs = dim + 2 * frequencies + 2 + 2 * this.directions * this.octaves + classes;
        int[] widths = new int[depth + 2];
        widths[0] = inputs;
        for (int i = 1; i <= depth; i++) {
            widths[i] = hidden;
        }
        widths[depth + 1] = dim;
        this.mlp = new Mlp(widths);
    }

    @Override
    public int dim() {
        return dim;
    }

    public Mlp mlp() {
        return mlp;
    }

    public int classes() {
        return classes;
    }

    @Override
    public void condition(int[] labels) {
        if (labels != null && classes == 0) {
            throw new IllegalArgumentException("this network takes no class labels");
        }
        if (labels != null) {
            for (int l : labels) {
                if (l < -1 || l >= classes) {
                    throw new IllegalArgumentException("label " + l + " is outside 0.." + (classes - 1));
                }
            }
        }
        this.labels = labels;
    }

    /**
     * Predicted charge means m [rows, N] at points x [rows, N] and scales s [rows] (s = z for
     * PFGM). Keeps what {@link #backward}, {@link #jacobianTrace} and {@link #probeForms} need.
     */
    @Override
    public void chargeMean(double[] x, double[] s, int rows, double[] m) {
        ensure(rows);
        System.arraycopy(x, 0, lastX, 0, rows * dim);
        for (int i = 0; i < rows; i++) {
            double norm2 = 0;
            for (int k = 0; k < dim; k++) {
                norm2 += x[i * dim + k] * x[i * dim + k];
            }
            double norm = Math.sqrt(norm2);
            double outside = Math.max(0, norm - dataRadius);
            double r2 = s[i] * s[i] + outside * outside;
            double ci = 1 / Math.sqrt(1 + r2);
            rho[i] = Math.sqrt(r2);
            cIn[i] = ci;
            cSkip[i] = ci * ci;
            cOut[i] = rho[i] * ci;
            // d(rho^2)/dx = 2 outside x / |x|, kept as its scalar factor
            gradScale[i] = outside > 0 ? 2 * outside / norm : 0;
            int f = i * inputs;
            for (int k = 0; k < dim; k++) {
                features[f + k] = (float) (ci * x[i * dim + k]);
            }
            double logS = Math.log(s[i]);
            double a = BASE_FREQUENCY * logS;
            double sin = Math.sin(a);
            double cos = Math.cos(a);
            for (int k = 0; k < frequencies; k++) {
                features[f + dim + 2 * k] = (float) sin;
                features[f + dim + 2 * k + 1] = (float) cos;
                double s2 = 2 * sin * cos;
                cos = cos * cos - sin * sin;
                sin = s2;
            }
            features[f + dim + 2 * frequencies] = (float) (logS / 4);
            features[f + dim + 2 * frequencies + 1] = (float) (Math.log1p(r2) / 4);
            int g = f + dim + 2 * frequencies + 2;
            for (int d = 0; d < directions; d++) {
                double proj = 0;
                for (int k = 0; k < dim; k++) {
                    proj += dirs[d * dim + k] * x[i * dim + k];
                }
                double phase = X_BASE_FREQUENCY * ci * proj;
                double sn = Math.sin(phase);
                double cs = Math.cos(phase);
                for (int l = 0; l < octaves; l++) {
                    features[g++] = (float) sn;
                    features[g++] = (float) cs;
                    double s2 = 2 * sn * cs;
                    cs = cs * cs - sn * sn;
                    sn = s2;
                }
            }
            // the one-hot of the row's label (constant in x: its tangent inputs stay zero)
            int c0 = f + inputs - classes;
            for (int c = 0; c < classes; c++) {
                features[c0 + c] = 0;
            }
            if (labels != null && labels.length > 0) {
                int l = labels[i % labels.length];
                if (l >= 0) {
                    features[c0 + l] = 1;
                }
            }
        }
        float[] net = mlp.forward(features, rows);
        for (int i = 0; i < rows * dim; i++) {
            int r = i / dim;
            out[i] = net[i];
            m[i] = cSkip[r] * x[i] + cOut[r] * net[i];
        }
    }

    /**
     * PFGM++'s and diffusion's loss (math.md section 11.3) for the charge means the last
     * {@link #chargeMean} call gave, against the clean points {@code clean} [rows, N]: EDM's weight
     * lambda = 1 / c_out^2 on the squared error of m, averaged over values and rows, so it is the
     * mean squared error of the raw output against its target. dL/dm goes into {@code dLdm}.
     */
    public double denoisingLoss(double[] m, double[] clean, int rows, double[] dLdm) {
        double loss = 0;
        double perValue = 1.0 / ((double) rows * dim);
        for (int i = 0; i < rows; i++) {
            double w = 1 / (cOut[i] * cOut[i]);
            for (int k = 0; k < dim; k++) {
                double e = m[i * dim + k] - clean[i * dim + k];
                loss += w * e * e;
                dLdm[i * dim + k] = 2 * w * e * perValue;
            }
        }
        return loss * perValue;
    }

    /** Parameter gradient of sum_i dLdm[i] . m[i] for the last {@link #chargeMean}. */
    public void backward(double[] dLdm, float[] grad) {
        for (int i = 0; i < rows * dim; i++) {
            dF[i] = (float) (cOut[i / dim] * dLdm[i]);
        }
        mlp.backward(rows, dF, grad);
    }

    /**
     * tr(dm/dx) for each row of the last {@link #chargeMean}, exactly (N tangents), a group of
     * unit directions per pass: the tangent rows of one pass hold at most {@link #PASS_VALUES}
     * values, so that a wide table's memory does not grow as N^2 per row.
     */
    @Override
    public void jacobianTrace(double[] trace) {
        int perPass = Math.max(1, Math.min(dim, PASS_VALUES / (rows * dim)));
        double[] dirs = new double[perPass * rows * dim];
        Arrays.fill(trace, 0, rows, 0.0);
        for (int first = 0; first < dim; first += perPass) {
            int n = Math.min(perPass, dim - first);
            Arrays.fill(dirs, 0.0);
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < rows; i++) {
                    dirs[(j * rows + i) * dim + first + j] = 1;
                }
            }
            double[] jm = directional(dirs, n);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) {
                    trace[i] += jm[(j * rows + i) * dim + first + j];
                }
            }
        }
    }

    /**
     * e^T (dm/dx) e for {@code count} probe vectors per row: {@code probes} is
     * [count * rows, N], block-major; writes [count * rows] quadratic forms, same order.
     */
    @Override
    public void probeForms(double[] probes, int count, double[] forms) {
        double[] jm = directional(probes, count);
        for (int b = 0; b < count * rows; b++) {
            double q = 0;
            for (int k = 0; k < dim; k++) {
                q += probes[b * dim + k] * jm[b * dim + k];
            }
            forms[b] = q;
        }
    }

    /** (dm/dx) e for every vector e in {@code vecs} ([count * rows, N], block-major). */
    private double[] directional(double[] vecs, int count) {
        float[] tin = new float[count * rows * inputs];
        double[] gdot = new double[count * rows];
        int logRho = dim + 2 * frequencies + 1;
        for (int b = 0; b < count * rows; b++) {
            int i = b % rows;
            double xe = 0;
            for (int k = 0; k < dim; k++) {
                xe += lastX[i * dim + k] * vecs[b * dim + k];
            }
            double gd = gradScale[i] * xe;
            gdot[b] = gd;
            double ci = cIn[i];
            double dci = -0.5 * gd * ci * ci * ci;
            // u = c_in x, so du = c_in e + dc_in x
            for (int k = 0; k < dim; k++) {
                tin[b * inputs + k] = (float) (ci * vecs[b * dim + k] + dci * lastX[i * dim + k]);
            }
            // the embedding of ln s does not depend on x; ln(1 + rho^2) / 4 does
            tin[b * inputs + logRho] = (float) (gd * cSkip[i] / 4);
            // the embedding of u: d sin(a phi) = a cos(a phi) dphi and d cos(a phi) = -a sin(a phi) dphi
            int g = b * inputs + logRho + 1;
            int fi = i * inputs + logRho + 1;
            for (int d = 0; d < directions; d++) {
                double dphi = 0;
                for (int k = 0; k < dim; k++) {
                    dphi += dirs[d * dim + k] * tin[b * inputs + k];
                }
                dphi *= X_BASE_FREQUENCY;
                for (int l = 0; l < octaves; l++) {
                    int at = fi + 2 * (d * octaves + l);
                    tin[g++] = (float) (features[at + 1] * dphi);
                    tin[g++] = (float) (-features[at] * dphi);
                    dphi *= 2;
                }
            }
        }
        float[] tout = mlp.tangents(rows, tin, count);
        double[] jm = new double[count * rows * dim];
        for (int b = 0; b < count * rows; b++) {
            int i = b % rows;
            double ci = cIn[i];
            double dSkip = -gdot[b] * cSkip[i] * cSkip[i];
            double dOut = rho[i] > 0 ? gdot[b] * ci * ci * ci / (2 * rho[i]) : 0;
            for (int k = 0; k < dim; k++) {
                jm[b * dim + k] = cSkip[i] * vecs[b * dim + k] + dSkip * lastX[i * dim + k]
                        + dOut * out[i * dim + k] + cOut[i] * tout[b * dim + k];
            }
        }
        return jm;
    }

    private void ensure(int n) {
        rows = n;
        if (features.length < n * inputs) {
            features = new float[n * inputs];
            dF = new float[n * dim];
            lastX = new double[n * dim];
            out = new double[n * dim];
            rho = new double[n];
            cIn = new double[n];
            cSkip = new double[n];
            cOut = new double[n];
            gradScale = new double[n];
        }
    }
}
