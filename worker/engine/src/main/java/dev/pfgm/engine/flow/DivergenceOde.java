package dev.pfgm.engine.flow;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.ode.OdeSystem;

/**
 * The flow augmented with its divergence: per row the state is x (N values), then one running
 * integral of div(x - m) per Hutchinson probe (or one, exact). With a Rademacher probe e the
 * estimate is e.e - e^T (dm/dx) e = N - e^T (dm/dx) e, unbiased. Written in t = ln z
 * (dx/dt = x - m, the adaptive solver's variable) or in z itself (dx/dz = (x - m) / z, the
 * fixed-step solvers'), the same integral either way.
 */
public final class DivergenceOde implements OdeSystem {
    /**
     * Network rows x values one probe pass may take: the probes of a chunk run in groups of at
     * least one probe and at most this many values, so that the network's memory does not grow
     * with the probe count (1,024 probes of 64 images once asked a U-Net for 65,536 rows at once).
     * One probe of a 64-row chunk of 28x28 images, what a likelihood has always run, fits.
     */
    static final int PASS_VALUES = 1 << 16;

    private final ChargeMean field;
    private final int dim;
    private final ProbeSigns signs;
    private final int probes;
    private final int width;
    private final boolean logZ;
    private final int passValues;
    private double[] xs = new double[0];
    private double[] z = new double[0];
    private double[] m = new double[0];
    private double[] forms = new double[0];
    private double[] group = new double[0];
    private double[] groupForms = new double[0];

    /** In t = ln z. */
    public DivergenceOde(ChargeMean field, ProbeSigns signs) {
        this(field, signs, true);
    }

    /**
     * @param signs the chunk's Hutchinson probes, or null for the exact divergence
     * @param logZ  true: time is t = ln z; false: time is z
     */
    public DivergenceOde(ChargeMean field, ProbeSigns signs, boolean logZ) {
        this(field, signs, logZ, PASS_VALUES);
    }

    DivergenceOde(ChargeMean field, ProbeSigns signs, boolean logZ, int passValues) {
        this.field = field;
        this.dim = field.dim();
        this.signs = signs;
        this.probes = signs == null ? 0 : signs.count();
        this.width = width(dim, probes);
        this.logZ = logZ;
        this.passValues = passValues;
    }

    /** Values per row of the state: the point and its accumulators. */
    public static int width(int dim, int probes) {
        return dim + Math.max(1, probes);
    }

    /** The divergence integral of the state row at {@code off}: the mean over its accumulators. */
    public static double integral(double[] state, int off, int dim, int width) {
        double s = 0;
        for (int a = dim; a < width; a++) {
            s += state[off + a];
        }
        return s / (width - dim);
    }

    @Override
    public int dim() {
        return width;
    }

    @Override
    public void derivative(double[] t, double[] y, double[] dydt, int rows) {
        if (z.length < rows) {
            xs = new double[rows * dim];
            z = new double[rows];
            m = new double[rows * dim];
            forms = new double[Math.max(1, probes) * rows];
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(y, r * width, xs, r * dim, dim);
            z[r] = logZ ? Math.exp(t[r]) : t[r];
        }
        field.chargeMean(xs, z, rows, m);
        if (probes == 0) {
            field.jacobianTrace(forms);
        } else {
            probeForms(rows);
        }
        for (int r = 0; r < rows; r++) {
            // in z every derivative carries the factor 1 / z (dt = dz / z); divided as FlowOde
            // divides, so the points follow exactly the path they follow without the accumulators
            double zr = z[r];
            for (int k = 0; k < dim; k++) {
                double v = xs[r * dim + k] - m[r * dim + k];
                dydt[r * width + k] = logZ ? v : v / zr;
            }
            for (int p = 0; p < Math.max(1, probes); p++) {
                // tr(I) = N, and a Rademacher probe's e.e = N too
                double v = dim - forms[p * rows + r];
                dydt[r * width + dim + p] = logZ ? v : v / zr;
            }
        }
    }

    /** forms[q * rows + r] = e^T (dm/dx) e for every probe, a group of probes per network pass. */
    private void probeForms(int rows) {
        int perPass = Math.max(1, Math.min(probes, passValues / (rows * dim)));
        if (group.length < perPass * rows * dim) {
            group = new double[perPass * rows * dim];
            groupForms = new double[perPass * rows];
        }
        for (int first = 0; first < probes; first += perPass) {
            int n = Math.min(perPass, probes - first);
            signs.expand(first, n, group);
            field.probeForms(group, n, groupForms);
            System.arraycopy(groupForms, 0, forms, first * rows, n * rows);
        }
    }
}
