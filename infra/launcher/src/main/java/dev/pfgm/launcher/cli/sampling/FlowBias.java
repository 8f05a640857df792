package dev.pfgm.launcher.cli.sampling;

import dev.pfgm.engine.data.Standardizer;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.sample.Prior;
import dev.pfgm.shared.data.GaussianMixture;

/**
 * The biases of a flow's likelihood that do not depend on how well the network learned, for data
 * whose density is known, each a Kullback-Leibler divergence estimated by Monte Carlo in the
 * model's (standardised) units:
 * <ul>
 *   <li>prior: the likelihood reads the prior where the data's law at z_max is, p_max = p * k_max;
 *       the mean NLL is too high by KL(p_max || prior);</li>
 *   <li>truncation: the ODE starts at z_min, not on the data, so it measures p * k_min; the mean
 *       NLL is too high by KL(p || p * k_min);</li>
 *   <li>smoothing: the charges are jittered in training by N(0, j^2), so a network that learns its
 *       target exactly learns p * N(0, j^2): KL(p || p * N(0, j^2)).</li>
 * </ul>
 * Each estimate comes with its Monte Carlo standard error (over the outer points).
 */
final class FlowBias {
    /** An estimate, its standard error and the largest value averaged (one point's). */
    record Estimate(double mean, double se, double max) {
        Estimate(double mean, double se) {
            this(mean, se, Double.NaN);
        }

        static Estimate of(double[] v) {
            double m = 0;
            for (double x : v) {
                m += x;
            }
            m /= v.length;
            double ss = 0;
            for (double x : v) {
                ss += (x - m) * (x - m);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double x : v) {
                max = Math.max(max, x);
            }
            return new Estimate(m, Math.sqrt(ss / Math.max(1, v.length - 1) / v.length), max);
        }
    }

    private final PfgmModel model;
    private final GaussianMixture truth;
    private final Standardizer st;
    private final int dim;

    FlowBias(PfgmModel model, GaussianMixture truth) {
        this.model = model;
        this.truth = truth;
        this.st = model.standardizer();
        this.dim = model.dim();
    }

    /** ln p(u) of the true density at u in model units (u = (x - mean) / std). */
    double logTruth(double[] u, int off) {
        double[] x = new double[dim];
        for (int k = 0; k < dim; k++) {
            x[k] = st.mean()[k] + st.std()[k] * u[off + k];
        }
        return truth.logDensity(x, 0) + st.logDetScale();
    }

    /**
     * KL(p * k_max || prior): {@code outer} points y + k_max noise, each p * k_max at it as the mean
     * of the kernel over {@code reference} points (the kernel is broad there, so few suffice).
     */
    Estimate prior(double[] y, int outer, double[] reference, int inner, long seed) {
        Prior prior = model.prior();
        Prior kernel = model.kernelAt(model.settings().zMax());
        SeedPlan rng = SeedPlan.of(seed);
        double[] x = new double[dim];
        double[] d = new double[dim];
        double[] v = new double[outer];
        double[] lk = new double[inner];
        for (int i = 0; i < outer; i++) {
            kernel.sample(rng, x, 0);
            for (int k = 0; k < dim; k++) {
                x[k] += y[i * dim + k];
            }
            for (int j = 0; j < inner; j++) {
                for (int k = 0; k < dim; k++) {
                    d[k] = x[k] - reference[j * dim + k];
                }
                lk[j] = kernel.at(d, 0);
            }
            v[i] = logMeanExp(lk) - prior.at(x, 0);
        }
        return Estimate.of(v);
    }

    /**
     * KL(p || p * k) for the kernel k over {@code outer} points of p: p * k at each point is the mean of
     * p over {@code inner} kernel draws, fresh for each point (so the standard error over the points is
     * honest) and in antithetic pairs +-u (so the score's first-order term cancels draw by draw).
     */
    Estimate smoothing(double[] y, int outer, Prior kernel, int inner, long seed) {
        double[] u = new double[dim];
        double[] x = new double[dim];
        double[] v = new double[outer];
        int pairs = Math.max(1, inner / 2);
        double[] lp = new double[2 * pairs];
        for (int i = 0; i < outer; i++) {
            SeedPlan rng = SeedPlan.forItem(seed, i);
            for (int j = 0; j < pairs; j++) {
                kernel.sample(rng, u, 0);
                for (int sign = 0; sign < 2; sign++) {
                    for (int k = 0; k < dim; k++) {
                        x[k] = y[i * dim + k] + (sign == 0 ? u[k] : -u[k]);
                    }
                    lp[2 * j + sign] = logTruth(x, 0);
                }
            }
            v[i] = logTruth(y, i * dim) - logMeanExp(lp);
        }
        return Estimate.of(v);
    }

    /** KL(p || p * k_min): where the ODE starts. */
    Estimate truncation(double[] y, int outer, int inner, long seed) {
        return smoothing(y, outer, model.kernelAt(model.settings().zMin()), inner, seed);
    }

    /** KL(p || p * N(0, j^2)) for the charge jitter j the model was trained with (0 when there was none). */
    Estimate jitter(double[] y, int outer, int inner, long seed) {
        double j = model.provenance().jitterStd();
        if (!(j > 0)) {
            return new Estimate(0, 0);
        }
        return smoothing(y, outer, new dev.pfgm.engine.sample.GaussianPrior(dim, j), inner, seed);
    }

    static double logMeanExp(double[] v) {
        return GaussianMixture.logSumExp(v) - Math.log(v.length);
    }
}
