package dev.pfgm.engine.flow;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.ode.OdeSystem;

/**
 * PFGM's ODE for a charge mean m (learned, or exact in tests), dx/dz = f_x / f_z = (x - m(x, z)) / z (math.md, F4 and
 * section 7), written in the two variables the solvers use: t = ln z (adaptive RK45), where the
 * drift is x - m, and z itself (Euler and Heun on a geometric grid, as the official sampler).
 */
public final class FlowOde {
    private FlowOde() {
    }

    /** dx/dt = x - m(x, e^t). */
    public static OdeSystem inLogZ(ChargeMean net) {
        return new Drift(net, true);
    }

    /** dx/dz = (x - m(x, z)) / z. */
    public static OdeSystem inZ(ChargeMean net) {
        return new Drift(net, false);
    }

    /** The drift in t = ln z ({@code logZ}) or in z: the same charge mean, divided by z in the second. */
    private static final class Drift implements OdeSystem {
        private final ChargeMean net;
        private final int dim;
        private final boolean logZ;
        private double[] z = new double[0];
        private double[] m = new double[0];

        Drift(ChargeMean net, boolean logZ) {
            this.net = net;
            this.dim = net.dim();
            this.logZ = logZ;
        }

        @Override
        public int dim() {
            return dim;
        }

        @Override
        public void derivative(double[] t, double[] x, double[] dxdt, int rows) {
            if (z.length < rows) {
                z = new double[rows];
                m = new double[rows * dim];
            }
            for (int r = 0; r < rows; r++) {
                z[r] = logZ ? Math.exp(t[r]) : t[r];
            }
            net.chargeMean(x, z, rows, m);
            if (logZ) {
                for (int i = 0; i < rows * dim; i++) {
                    dxdt[i] = x[i] - m[i];
                }
            } else {
                for (int i = 0; i < rows * dim; i++) {
                    dxdt[i] = (x[i] - m[i]) / z[i / dim];
                }
            }
        }
    }
}
