package dev.pfgm.engine.likelihood;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.ode.OdeSystem;

/**
 * The flow in t = ln z augmented with its divergence: per row the state is x (N values), then one
 * running integral of div(x - m) per Hutchinson probe (or one, exact). With probe e the estimate
 * is e.e - e^T (dm/dx) e, unbiased for Rademacher and Gaussian probes alike.
 */
final class DivergenceOde implements OdeSystem {
    private final ChargeMean field;
    private final int dim;
    private final int probes;
    private final int width;
    private final double[] probe;
    private final double[] probeNorm2;
    private double[] xs = new double[0];
    private double[] z = new double[0];
    private double[] m = new double[0];
    private double[] forms = new double[0];

    DivergenceOde(ChargeMean field, int probes, double[] probe) {
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
            z[r] = Math.exp(t[r]);
        }
        field.chargeMean(xs, z, rows, m);
        if (probes == 0) {
            field.jacobianTrace(forms);
        } else {
            field.probeForms(probe, probes, forms);
        }
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < dim; k++) {
                dydt[r * width + k] = xs[r * dim + k] - m[r * dim + k];
            }
            if (probes == 0) {
                dydt[r * width + dim] = dim - forms[r];
            } else {
                for (int p = 0; p < probes; p++) {
                    int b = p * rows + r;
                    dydt[r * width + dim + p] = probeNorm2[b] - forms[b];
                }
            }
        }
    }
}
