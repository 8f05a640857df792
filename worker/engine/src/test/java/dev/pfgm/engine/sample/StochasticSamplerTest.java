package dev.pfgm.engine.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.random.SeedPlan;
import org.junit.jupiter.api.Test;

/**
 * The stochastic samplers on a target whose denoiser is exact: data N(mu, s^2 I), for which the
 * charge mean (the posterior mean of the clean point) is m(x, sigma) = (s^2 x + sigma^2 mu) /
 * (s^2 + sigma^2). Started from the diffusion prior N(0, sigma_max^2 I), both samplers must end
 * with the data's mean and variance.
 */
class StochasticSamplerTest {
    private static final int DIM = 3;
    private static final double[] MU = {1.5, -0.5, 0};
    private static final double S = 0.7;

    /** The exact denoiser of N(MU, S^2 I). */
    static final class GaussianDenoiser implements ChargeMean {
        int calls;
        private double[] shrink = new double[0];

        @Override
        public int dim() {
            return DIM;
        }

        /** dm/dx = s^2 / (s^2 + sigma^2) I: its trace, per row of the last call. */
        @Override
        public void jacobianTrace(double[] trace) {
            for (int r = 0; r < shrink.length; r++) {
                trace[r] = DIM * shrink[r];
            }
        }

        @Override
        public void probeForms(double[] probes, int count, double[] forms) {
            int rows = shrink.length;
            for (int q = 0; q < count; q++) {
                for (int r = 0; r < rows; r++) {
                    double n2 = 0;
                    for (int k = 0; k < DIM; k++) {
                        double e = probes[(q * rows + r) * DIM + k];
                        n2 += e * e;
                    }
                    forms[q * rows + r] = shrink[r] * n2;
                }
            }
        }

        @Override
        public void chargeMean(double[] x, double[] sigma, int rows, double[] m) {
            calls++;
            shrink = new double[rows];
            for (int r = 0; r < rows; r++) {
                shrink[r] = S * S / (S * S + sigma[r] * sigma[r]);
            }
            for (int r = 0; r < rows; r++) {
                double v = sigma[r] * sigma[r];
                for (int k = 0; k < DIM; k++) {
                    m[r * DIM + k] = (S * S * x[r * DIM + k] + v * MU[k]) / (S * S + v);
                }
            }
        }
    }

    private static double[][] moments(String name, int steps, int rows, int[] calls) {
        return moments(name, steps, StochasticSampler.Churn.EDM, rows, calls);
    }

    private static double[][] moments(String name, int steps, StochasticSampler.Churn churn, int rows, int[] calls) {
        double sigmaMax = 80;
        GaussianPrior prior = new GaussianPrior(DIM, sigmaMax);
        double[] x = new double[rows * DIM];
        SeedPlan[] noise = new SeedPlan[rows];
        for (int r = 0; r < rows; r++) {
            noise[r] = SeedPlan.forItem(11, r);
            prior.sample(noise[r], x, r * DIM);
        }
        GaussianDenoiser field = new GaussianDenoiser();
        int evaluations = StochasticSampler.run(field, x, rows, sigmaMax, 0.002, name, steps, churn, noise, f -> { });
        calls[0] = evaluations;
        assertEquals(field.calls, evaluations, "every evaluation counted");
        double[] mean = new double[DIM];
        double[] var = new double[DIM];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < DIM; k++) {
                mean[k] += x[r * DIM + k] / rows;
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < DIM; k++) {
                double e = x[r * DIM + k] - mean[k];
                var[k] += e * e / (rows - 1);
            }
        }
        return new double[][] {mean, var};
    }

    /**
     * Mean and variance of every coordinate within 0.03 of the target's. Standard errors: s / sqrt(n) =
     * 0.005 for the mean, s^2 sqrt(2 / n) = 0.0049 for the variance at n = 20,000; the bound adds the
     * discretisation's bias.
     */
    private static void assertTargetMoments(double[][] mv) {
        for (int k = 0; k < DIM; k++) {
            assertEquals(MU[k], mv[0][k], 0.03, "mean of coordinate " + k);
            assertEquals(S * S, mv[1][k], 0.03, "variance of coordinate " + k);
        }
    }

    @Test
    void eulerMaruyamaReachesTheTargetsMeanAndVariance() {
        int rows = 20000;
        int[] nfe = new int[1];
        double[][] mv = moments(SolverSpec.EULER_MARUYAMA, 400, rows, nfe);
        assertEquals(400, nfe[0]);
        assertTargetMoments(mv);
    }

    @Test
    void edmChurnReachesThemToo() {
        int rows = 20000;
        int[] nfe = new int[1];
        // S_noise = 1: with an exact denoiser there is nothing for EDM's over-inflation to offset.
        // Churn needs steps: at K = 40 this target's variance comes out 6-8% high, at K = 100 within 2%
        var exact = new StochasticSampler.Churn(40, 0.05, 50, 1.0);
        double[][] mv = moments(SolverSpec.EDM_CHURN, 100, exact, rows, nfe);
        assertEquals(2 * 100 - 1, nfe[0], "Heun steps without the last correction");
        assertTargetMoments(mv);
        // EDM's S_noise = 1.003 adds a little variance on purpose (for denoisers that remove too much)
        double[][] inflated = moments(SolverSpec.EDM_CHURN, 100, rows, nfe);
        for (int k = 0; k < DIM; k++) {
            assertTrue(inflated[1][k] > mv[1][k] && inflated[1][k] < 1.15 * S * S, "inflated variance " + inflated[1][k]);
        }
    }

    @Test
    void eulerMaruyamaOnTheGeometricGridReachesThemToo() {
        int rows = 20000;
        int[] nfe = new int[1];
        double[][] mv = moments(SolverSpec.EULER_MARUYAMA_GEOMETRIC, 1000, rows, nfe);
        assertEquals(1000, nfe[0]);
        assertTargetMoments(mv);
        // on this one-Gaussian target both grids need about as many steps (variance error at K = 35: 0.20
        // geometric, 0.18 EDM's; at 400: 0.012 and 0.014); the grids differ where data have fine structure
        double[][] few = moments(SolverSpec.EULER_MARUYAMA_GEOMETRIC, 35, rows, nfe);
        double worst = 0;
        for (int k = 0; k < DIM; k++) {
            worst = Math.max(worst, Math.abs(few[1][k] - S * S));
        }
        assertTrue(worst > 0.1, "35 steps leave a visible error: " + worst);
    }

    @Test
    void fewStepsOfEulerMaruyamaAreVisiblyWrong() {
        // the test can fail: with 5 steps the variance is far off, so the bounds above measure something
        int[] nfe = new int[1];
        double[][] mv = moments(SolverSpec.EULER_MARUYAMA, 5, 20000, nfe);
        double worst = 0;
        for (int k = 0; k < DIM; k++) {
            worst = Math.max(worst, Math.abs(mv[1][k] - S * S));
        }
        assertTrue(worst > 0.1, "variance error at 5 steps: " + worst);
    }
}
