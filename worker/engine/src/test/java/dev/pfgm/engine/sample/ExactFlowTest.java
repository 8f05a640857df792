package dev.pfgm.engine.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.field.ExactChargeMean;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.random.SeedPlan;
import org.junit.jupiter.api.Test;

/**
 * math.md section 14, items 7, 8, 9 and 13: the ODE, sampler and likelihood machinery driven
 * by the exact field of a few charges, where the answer is known.
 */
class ExactFlowTest {
    private static final double Z_MIN = 1e-3;

    @Test
    void onePointFlowIsAStraightLineAndEulerInZIsExact() {
        // dx/dz = (x - y0) / z: x(z) - y0 = (z / zMax) (x(zMax) - y0)
        double[] y0 = {0.4, -1.2};
        ExactChargeMean field = new ExactChargeMean(2, y0);
        double zMax = 40;
        double[] start = {25, -13, -7, 30};
        for (SolverSpec spec : new SolverSpec[] {new SolverSpec("euler", 1e-4, 1e-4, 3),
                new SolverSpec("euler", 1e-4, 1e-4, 50), new SolverSpec("heun", 1e-4, 1e-4, 7),
                new SolverSpec("edm", 1e-4, 1e-4, 18)}) {
            double[] x = start.clone();
            Sampler.integrate(field, x, 2, zMax, Z_MIN, spec, Progress.NONE);
            for (int i = 0; i < 4; i++) {
                double want = y0[i % 2] + (Z_MIN / zMax) * (start[i] - y0[i % 2]);
                assertEquals(want, x[i], 1e-9, spec + " component " + i);
            }
        }
        double[] x = start.clone();
        Sampler.integrate(field, x, 2, zMax, Z_MIN, new SolverSpec("rk45", 1e-6, 1e-6, 100), Progress.NONE);
        for (int i = 0; i < 4; i++) {
            double want = y0[i % 2] + (Z_MIN / zMax) * (start[i] - y0[i % 2]);
            assertEquals(want, x[i], 1e-4, "rk45 component " + i);
        }
    }

    @Test
    void twoPointFlowSendsSamplesInProportionToTheCharges() {
        // charges (-1, 0) x 3 and (1, 0) x 7; the prior on z = 200 from section 6
        double[] charges = new double[20];
        for (int j = 0; j < 10; j++) {
            charges[2 * j] = j < 3 ? -1 : 1;
        }
        double zMax = 200;
        PfgmPrior prior = new PfgmPrior(2, zMax, Double.POSITIVE_INFINITY);
        int n = 400;
        double[] x = new double[2 * n];
        for (int i = 0; i < n; i++) {
            prior.sample(SeedPlan.forItem(11, i), x, 2 * i);
        }
        Sampler.transport(() -> new ExactChargeMean(2, charges), Sampler.CHUNK, x, n, zMax, Z_MIN,
                new SolverSpec("rk45", 1e-5, 1e-5, 100), Progress.NONE);
        int heavy = 0;
        int landed = 0;
        for (int i = 0; i < n; i++) {
            double dHeavy = Math.hypot(x[2 * i] - 1, x[2 * i + 1]);
            double dLight = Math.hypot(x[2 * i] + 1, x[2 * i + 1]);
            if (Math.min(dHeavy, dLight) < 0.05) {
                landed++;
                heavy += dHeavy < dLight ? 1 : 0;
            }
        }
        assertTrue(landed >= 0.97 * n, "only " + landed + " of " + n + " trajectories reached a charge");
        double share = (double) heavy / landed;
        // the page reports 0.725 +- 0.022 with 400 samples; the prior's point-mass approximation
        // is the only bias, so 0.7 +- 3 standard errors
        assertEquals(0.7, share, 3 * 0.023, "share at the heavier charge");
    }

    @Test
    void onePointLikelihoodMatchesThePoissonKernel() {
        // ln P_{z1}(x1 - y0) = ln P_{z2}(x2 - y0) + N ln(z2 / z1) along a straight field line (item 9):
        // integrating up from z_min with the exact prior of a point charge recovers P_{z_min}
        int n = 3;
        double[] y0 = {0, 0, 0};
        ExactChargeMean field = new ExactChargeMean(n, y0);
        double zMax = 50;
        PfgmPrior prior = new PfgmPrior(n, zMax, Double.POSITIVE_INFINITY);
        double[] x = {0.002, -0.001, 0.0005, 0.01, 0.0, -0.02};
        Likelihood.Result r = Likelihood.logDensity(() -> field, Sampler.CHUNK, prior, Z_MIN, zMax, x, 2, 0, 0, 1e-6,
                1e-9, Progress.NONE);
        PfgmPrior atMin = new PfgmPrior(n, Z_MIN, Double.POSITIVE_INFINITY);
        for (int i = 0; i < 2; i++) {
            assertEquals(atMin.at(x, i * n), r.values()[i], 5e-5, "point " + i);
        }
    }

    /**
     * PFGM++ and diffusion (math.md sections 11.2, 11.6 and 11.7): one charge's flow is the same
     * straight line, so integrating up from sigma_min with the Student-t (or Gaussian) prior at
     * sigma_max must give that kernel's density at sigma_min, in closed form.
     */
    @Test
    void onePointLikelihoodMatchesThePlusPlusKernels() {
        int n = 3;
        ExactChargeMean field = new ExactChargeMean(n, new double[] {0, 0, 0});
        double sigmaMax = 80;
        double sigmaMin = 1e-2;
        double[] x = {0.004, -0.012, 0.007, 0.02, 0.0, -0.015};
        Prior[][] priors = {
            {new StudentPrior(n, 8, sigmaMax), new StudentPrior(n, 8, sigmaMin)},
            {new StudentPrior(n, 128, sigmaMax), new StudentPrior(n, 128, sigmaMin)},
            {new GaussianPrior(n, sigmaMax), new GaussianPrior(n, sigmaMin)},
        };
        for (Prior[] p : priors) {
            Likelihood.Result r = Likelihood.logDensity(() -> field, Sampler.CHUNK, p[0], sigmaMin, sigmaMax, x, 2, 0, 0,
                    1e-7, 1e-9, Progress.NONE);
            for (int i = 0; i < 2; i++) {
                assertEquals(p[1].at(x, i * n), r.values()[i], 1e-4, p[0].getClass().getSimpleName() + " point " + i);
            }
        }
        // and the two families differ at these points, so the check tells them apart
        assertTrue(Math.abs(priors[0][1].at(x, 0) - priors[2][1].at(x, 0)) > 0.1);
    }

    @Test
    void hutchinsonAgreesWithTheExactDivergenceOnAverage() {
        double[] charges = {-1, 0.3, 0.5, 1, 1.2, -0.8, 0.1, -0.2};
        ExactChargeMean field = new ExactChargeMean(2, charges);
        double zMax = 30;
        PfgmPrior prior = new PfgmPrior(2, zMax, Double.POSITIVE_INFINITY);
        double[] x = {0.2, 0.1};
        double exact = Likelihood.logDensity(() -> field, Sampler.CHUNK, prior, Z_MIN, zMax, x, 1, 0, 0, 1e-6, 1e-8,
                Progress.NONE).values()[0];
        double hutch = Likelihood.logDensity(() -> field, Sampler.CHUNK, prior, Z_MIN, zMax, x, 1, 200, 3, 1e-6, 1e-8,
                Progress.NONE).values()[0];
        assertEquals(exact, hutch, 0.1);
        double one = Likelihood.logDensity(() -> field, Sampler.CHUNK, prior, Z_MIN, zMax, x, 1, 1, 3, 1e-6, 1e-8,
                Progress.NONE).values()[0];
        assertTrue(Math.abs(one - exact) > 1e-6, "a single probe is an estimate, not the trace");
    }

    @Test
    void encodeThenDecodeReturnsThePoints() {
        // 60 charges from a Gaussian; stopping at z = 0.3, comparable to their spacing, keeps the map smooth
        int count = 60;
        double[] charges = new double[2 * count];
        SeedPlan r = SeedPlan.of(21);
        for (int i = 0; i < charges.length; i++) {
            charges[i] = r.nextGaussian();
        }
        double zMin = 0.3;
        double zMax = 40;
        double[] x = {0.3, 0.2, -0.5, 0.4, 1.0, -0.3, -1.6, 1.1};
        double[] y = x.clone();
        SolverSpec spec = SolverSpec.defaults();
        Sampler.transport(() -> new ExactChargeMean(2, charges), Sampler.CHUNK, y, 4, zMin, zMax, spec, Progress.NONE);
        double moved = Math.abs(y[0] - x[0]);
        Sampler.transport(() -> new ExactChargeMean(2, charges), Sampler.CHUNK, y, 4, zMax, zMin, spec, Progress.NONE);
        assertTrue(moved > 1, "the latent is elsewhere");
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], y[i], 2e-3, "component " + i);
        }
    }
}
