package dev.pfgm.engine.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.random.SeedPlan;
import org.junit.jupiter.api.Test;

/** math.md section 14, item 6: the perturbation kernel. */
class PerturbationTest {

    /** E[(1 + tau)^(2m)] for m ~ U[0, a). */
    private static double meanGrowth(double tau, double a) {
        double l = 2 * Math.log1p(tau);
        return Math.expm1(l * a) / (l * a);
    }

    private static double meanSquaredOffset(Perturbation p, int n, int draws, long seed, double[] minZ) {
        double[] y = new double[draws * n];
        double[] x = new double[draws * n];
        double[] z = new double[draws];
        p.apply(y, draws, n, SeedPlan.of(seed), x, z);
        double s = 0;
        minZ[0] = Double.POSITIVE_INFINITY;
        for (int i = 0; i < draws; i++) {
            for (int k = 0; k < n; k++) {
                s += x[i * n + k] * x[i * n + k];
            }
            minZ[0] = Math.min(minZ[0], z[i]);
        }
        return s / draws;
    }

    @Test
    void offsetsHaveTheKernelsSecondMomentAndZIsPositive() {
        double sigma = 0.01;
        double tau = 0.03;
        double bigM = 100;
        int n = 3;
        double[] minZ = new double[1];
        double got = meanSquaredOffset(new Perturbation(sigma, tau, bigM, false), n, 400_000, 1, minZ);
        double want = n * sigma * sigma * meanGrowth(tau, bigM);
        assertEquals(want, got, 0.02 * want);
        assertTrue(minZ[0] > 0);
    }

    @Test
    void restrictionFiresAtTheExpectedRate() {
        // with |eps_z| < sigma/2, which happens with probability P(|N(0,1)| < 0.5) = 0.3829,
        // m comes from U[0, 0.7M): the second moment is the mixture of the two
        double sigma = 0.01;
        double tau = 0.03;
        double bigM = 100;
        int n = 2;
        double fire = 0.3829249;
        double[] minZ = new double[1];
        double got = meanSquaredOffset(new Perturbation(sigma, tau, bigM, true), n, 400_000, 2, minZ);
        double want = n * sigma * sigma * ((1 - fire) * meanGrowth(tau, bigM) + fire * meanGrowth(tau, 0.7 * bigM));
        assertEquals(want, got, 0.02 * want);
        double unrestricted = n * sigma * sigma * meanGrowth(tau, bigM);
        assertTrue(Math.abs(got - unrestricted) > 0.1 * unrestricted, "the restriction must change the kernel");
        assertTrue(minZ[0] > 0);
    }
}
