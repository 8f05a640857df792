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
        int dim = net.dim();
        return new OdeSystem() {
            private double[] z = new double[0];
            private double[] m = new double[0];

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
                    z[r] = Math.exp(t[r]);
                }
                net.chargeMean(x, z, rows, m);
                for (int i = 0; i < rows * dim; i++) {
                    dxdt[i] = x[i] - m[i];
                }
            }
        };
    }

    /** dx/dz = (x - m(x, z)) / z. */
    public static OdeSystem inZ(ChargeMean net) {
        int dim = net.dim();
        return new OdeSystem() {
            private double[] m = new double[0];

            @Override
            public int dim() {
                return dim;
            }

            @Override
            public void derivative(double[] z, double[] x, double[] dxdz, int rows) {
                if (m.length < rows * dim) {
                    m = new double[rows * dim];
                }
                net.chargeMean(x, z, rows, m);
                for (int i = 0; i < rows * dim; i++) {
                    dxdz[i] = (x[i] - m[i]) / z[i / dim];
                }
            }
        };
    }
}
