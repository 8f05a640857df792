package dev.pfgm.engine.flow;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.ode.OdeSystem;

/**
 * The flow augmented with its divergence: per row the state is x (N values), then one running
 * integral of div(x - m) per Hutchinson probe (or one, exact). With probe e the estimate is
 * e.e - e^T (dm/dx) e, unbiased for Rademacher and Gaussian probes alike. Written in t = ln z
 * (dx/dt = x - m, the adaptive solver's variable) or in z itself (dx/dz = (x - m) / z, the
 * fixed-step solvers'), the same integral either way.
 */
public final class DivergenceOde implements OdeSystem {
    private final ChargeMean field;
    private final int dim;
    private final int probes;
    private final int width;
    private final double[] probe;
    private final double[] probeNorm2;
    private final boolean logZ;
    private double[] xs = new double[0];
    private double[] z = new double[0];
    private double[] m = new double[0];
    private double[] forms = new double[0];

    /** In t = ln z. */
    public DivergenceOde(ChargeMean field, int probes, double[] probe) {
        this(field, probes, probe, true);
    }

    /**
     * @param probes 0 for the exact divergence, else the number of probe vectors per row
     * @param probe  probe q of batch row r at [(q * rows + r) * N] (null when exact)
     * @param logZ   true: time is t = ln z; false: time is z
     */
    public DivergenceOde(ChargeMean field, int probes, double[] probe, boolean logZ) {
        this.logZ = logZ;
        if (probe == null) {
            probe = new double[0];
        }
        this.field = field;
        this.dim = field.dim();
        this.probes = probes;
        this.width = dim + Math.max(1, probes);
        this.probe = probe;
        int count = probe.length / dim;
        this.probeNorm2 = new double[count];
        for (int b = 0; b < count; b++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                s += probe[b * dim + k] * probe[b * dim + k];
            }
            probeNorm2[b] = s;
        }
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
            field.probeForms(probe, probes, forms);
        }
        for (int r = 0; r < rows; r++) {
            // in z every derivative carries the factor 1 / z (dt = dz / z); divided as FlowOde
            // divides, so the points follow exactly the path they follow without the accumulators
            double zr = z[r];
            for (int k = 0; k < dim; k++) {
                double v = xs[r * dim + k] - m[r * dim + k];
                dydt[r * width + k] = logZ ? v : v / zr;
            }
            if (probes == 0) {
                double v = dim - forms[r];
                dydt[r * width + dim] = logZ ? v : v / zr;
            } else {
                for (int p = 0; p < probes; p++) {
                    int b = p * rows + r;
                    double v = probeNorm2[b] - forms[b];
                    dydt[r * width + dim + p] = logZ ? v : v / zr;
                }
            }
        }
    }
}
