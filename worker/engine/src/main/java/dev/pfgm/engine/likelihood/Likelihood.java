package dev.pfgm.engine.likelihood;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.flow.DivergenceOde;
import dev.pfgm.engine.flow.ProbeSigns;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.ode.DormandPrince;
import dev.pfgm.engine.ode.Solution;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.sample.ChunkRunner;
import dev.pfgm.engine.sample.LogDensity;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.shared.data.Dataset;
import java.util.function.Supplier;

/**
 * Log-likelihood by the instantaneous change of variables (math.md, section 9): the forward
 * ODE from (x, z_min) to z_max in t = ln z, carrying the integral of the drift's divergence,
 * div(x - m) = N - tr(dm/dx); then ln p(x) = ln p_prior(x(z_max)) + that integral. The divergence
 * is exact (N Jacobian-vector products) or Hutchinson's estimate with K Rademacher probes per
 * point, drawn once from (seed, point index) and fixed for the whole solve.
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

    /** Per-point values (nats) and the mean NFE per point. */
    public record Result(double[] values, double meanNfe) {
        public double mean() {
            double s = 0;
            for (double v : values) {
                s += v;
            }
            return s / values.length;
        }
    }

    /**
     * Negative log-likelihood of each point in nats, in the data's units (the standardisation's
     * log-determinant included, so it compares with a true density).
     *
     * @param probes 0 for the exact divergence, else the number of Hutchinson probes
     */
    public Result nll(Dataset data, int probes, long seed, double rtol, double atol, Progress progress) {
        model.checkDimension(data, "--data");
        double[] x = model.standardizer().standardized(data);
        Result r = logDensity(model::newNetwork, model.chunkRows(), model.prior(), model.zMin(),
                model.zMax(), x, data.count(), probes, seed, rtol, atol, progress);
        double logDet = model.standardizer().logDetScale();
        double[] nll = new double[data.count()];
        for (int i = 0; i < nll.length; i++) {
            nll[i] = -r.values()[i] + logDet;
        }
        return new Result(nll, r.meanNfe());
    }

    /**
     * ln p(x) of {@code count} points x ([count, N], model units) under the flow of the charge
     * mean from z_min to z_max with latent density {@code prior}, in fixed-shape chunks of
     * {@code chunkSize} rows on every core.
     */
    public static Result logDensity(Supplier<ChargeMean> fields, int chunkSize, LogDensity prior, double zMin,
                                    double zMax, double[] x, int count, int probes, long seed, double rtol,
                                    double atol, Progress progress) {
        int chunks = (count + chunkSize - 1) / chunkSize;
        double[] logp = new double[count];
        long[] nfe = new long[chunks];
        ChunkRunner.run(chunks, fields, progress, (c, field, p) -> {
            int dim = field.dim();
            int accumulators = probes == 0 ? 1 : probes;
            int width = dim + accumulators;
            double[] state = new double[chunkSize * width];
            ProbeSigns signs = probes == 0 ? null : new ProbeSigns(probes, chunkSize, dim);
            int first = c * chunkSize;
            int rows = Math.min(chunkSize, count - first);
            for (int r = 0; r < chunkSize; r++) {
                // padding rows repeat the first row, probes too: a row of -1 probes kept the whole
                // chunk stepping (the adaptive solver ends a chunk with its slowest row)
                System.arraycopy(x, (first + (r < rows ? r : 0)) * dim, state, r * width, dim);
                if (signs != null) {
                    if (r < rows) {
                        signs.draw(r, SeedPlan.forItem(seed, first + r));
                    } else {
                        signs.copyRow(0, r);
                    }
                }
            }
            DivergenceOde ode = new DivergenceOde(field, signs);
            Solution sol = new DormandPrince(rtol, atol).solve(ode, state, chunkSize, Math.log(zMin), Math.log(zMax),
                    p::update);
            for (int r = 0; r < rows; r++) {
                double divergence = 0;
                for (int a = 0; a < accumulators; a++) {
                    divergence += state[r * width + dim + a];
                }
                logp[first + r] = prior.at(state, r * width) + divergence / accumulators;
                nfe[c] += sol.evaluations()[r];
            }
        });
        progress.update(1.0);
        long total = 0;
        for (long v : nfe) {
            total += v;
        }
        return new Result(logp, (double) total / count);
    }
}
