package dev.pfgm.engine.likelihood;

import dev.pfgm.engine.data.Dataset;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.nn.FieldNetwork;
import dev.pfgm.engine.ode.DormandPrince;
import dev.pfgm.engine.ode.OdeSystem;
import dev.pfgm.engine.ode.Solution;
import dev.pfgm.engine.sample.PfgmPrior;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SeedPlan;

/**
 * Negative log-likelihood by the instantaneous change of variables (pfgm-math.md, section 9): the
 * forward ODE from (x, z_min) to z_max in t = ln z, carrying the integral of the drift's
 * divergence, div(x - m) = N - tr(dm/dx); then ln p(x) = ln p_prior(x(z_max)) + that integral.
 * The divergence is exact (N Jacobian-vector products) or Hutchinson's estimate with K
 * Rademacher probes per point, drawn once from (seed, point index) and fixed for the whole solve.
 * Results are in nats in the data's units: the standardisation's log-determinant is included.
 */
public final class Likelihood {
    /** Largest dimension for which {@link #defaultExact} picks the exact divergence. */
    public static final int EXACT_MAX_DIM = 16;

    private final PfgmModel model;

    public Likelihood(PfgmModel model) {
        this.model = model;
    }

    public static boolean defaultExact(int dim) {
        return dim <= EXACT_MAX_DIM;
    }

    /** Per-point NLL in nats (data units) and the mean NFE per point. */
    public record Result(double[] nll, double meanNfe) {
        public double mean() {
            double s = 0;
            for (double v : nll) {
                s += v;
            }
            return s / nll.length;
        }
    }

    /**
     * @param probes 0 for the exact divergence, else the number of Hutchinson probes
     */
    public Result evaluate(Dataset data, int probes, long seed, double rtol, double atol, Progress progress) {
        model.checkDimension(data, "--data");
        int dim = model.dim();
        int n = data.count();
        double[] x = model.standardizer().standardized(data);
        int acc = probes == 0 ? 1 : probes;
        int width = dim + acc;
        int chunkSize = Sampler.CHUNK;
        int chunks = (n + chunkSize - 1) / chunkSize;
        double[] state = new double[chunkSize * width];
        double[] probe = new double[probes * chunkSize * dim];
        double[] nll = new double[n];
        double tMin = Math.log(model.settings().zMin());
        double tMax = Math.log(model.settings().zMax());
        PfgmPrior prior = model.prior();
        double logDet = model.standardizer().logDetScale();
        DormandPrince solver = new DormandPrince(rtol, atol);
        double nfe = 0;
        for (int c = 0; c < chunks; c++) {
            int first = c * chunkSize;
            int rows = Math.min(chunkSize, n - first);
            java.util.Arrays.fill(state, 0);
            java.util.Arrays.fill(probe, 0);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, (first + r) * dim, state, r * width, dim);
                SeedPlan rng = SeedPlan.forItem(seed, first + r);
                for (int p = 0; p < probes; p++) {
                    for (int k = 0; k < dim; k++) {
                        probe[(p * chunkSize + r) * dim + k] = rng.nextSign();
                    }
                }
            }
            OdeSystem ode = new AugmentedOde(model.network(), dim, probes, probe);
            final int done = c;
            Solution sol = solver.solve(ode, state, chunkSize, tMin, tMax, f -> progress.update((done + f) / chunks));
            for (int r = 0; r < rows; r++) {
                double divergence = 0;
                for (int a = 0; a < acc; a++) {
                    divergence += state[r * width + dim + a];
                }
                divergence /= acc;
                double logp = prior.logDensity(state, r * width) + divergence;
                nll[first + r] = -logp + logDet;
                nfe += sol.evaluations()[r];
            }
        }
        progress.update(1.0);
        return new Result(nll, nfe / n);
    }

    /** State per row: x (N values), then one divergence integral per probe (or one, exact). */
    private static final class AugmentedOde implements OdeSystem {
        private final FieldNetwork net;
        private final int dim;
        private final int probes;
        private final int width;
        private final double[] probe;
        private final double[] probeNorm2;
        private double[] xs = new double[0];
        private double[] z = new double[0];
        private double[] m = new double[0];
        private double[] forms = new double[0];

        AugmentedOde(FieldNetwork net, int dim, int probes, double[] probe) {
            this.net = net;
            this.dim = dim;
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
            net.chargeMean(xs, z, rows, m);
            if (probes == 0) {
                net.jacobianTrace(forms);
            } else {
                net.probeForms(probe, probes, forms);
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
}
