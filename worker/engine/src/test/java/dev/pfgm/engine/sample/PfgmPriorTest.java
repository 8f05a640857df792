package dev.pfgm.engine.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.random.SeedPlan;
import java.util.Arrays;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/** math.md section 14, items 4 and 5: the prior on the plane z = z_max. */
class PfgmPriorTest {
    private static final double NO_CLIP = Double.POSITIVE_INFINITY;

    private static double[] radii(PfgmPrior prior, int n, int draws, long seed) {
        double[] r = new double[draws];
        double[] x = new double[n];
        for (int i = 0; i < draws; i++) {
            prior.sample(SeedPlan.forItem(seed, i), x, 0);
            double s = 0;
            for (double v : x) {
                s += v * v;
            }
            r[i] = Math.sqrt(s);
        }
        return r;
    }

    @Test
    void radiusFollowsTheInverseBetaLaw() {
        for (int n : new int[] {1, 2, 4, 5, 30}) {
            double zMax = 7;
            double[] r = radii(new PfgmPrior(n, zMax, NO_CLIP), n, 20_000, n);
            double[] u = Arrays.stream(r).map(v -> v * v / (v * v + zMax * zMax)).toArray();
            double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new BetaDistribution(n / 2.0, 0.5), u);
            assertTrue(p > 1e-3, "KS p-value " + p + " for N=" + n);
            double mean = Arrays.stream(u).average().orElseThrow();
            assertEquals(n / (n + 1.0), mean, 4 * Math.sqrt(2.0 * n / ((n + 1.0) * (n + 1) * (n + 3)) / u.length));
        }
    }

    @Test
    void threeSamplersAgree() {
        // (a) beta radius and a uniform direction, (b) the implementation (Cauchy), (c) a uniform
        // direction on the upper hemisphere of R^(N+1) projected from the origin onto the plane
        for (int n : new int[] {4, 5}) {
            double zMax = 3;
            int draws = 20_000;
            double[] b = radii(new PfgmPrior(n, zMax, NO_CLIP), n, draws, 100 + n);
            double[] a = new double[draws];
            double[] c = new double[draws];
            BetaDistribution beta = new BetaDistribution(new org.apache.commons.math3.random.Well19937c(n), n / 2.0, 0.5);
            SeedPlan rng = SeedPlan.of(n);
            for (int i = 0; i < draws; i++) {
                double u = beta.sample();
                a[i] = zMax * Math.sqrt(u / (1 - u));
                double s = 0;
                for (int k = 0; k < n; k++) {
                    double g = rng.nextGaussian();
                    s += g * g;
                }
                double up = Math.abs(rng.nextGaussian());
                // point on the hemisphere (g, up)/|.|; the ray from the origin meets z = zMax at radius zMax |g| / up
                c[i] = zMax * Math.sqrt(s) / up;
            }
            KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
            assertTrue(ks.kolmogorovSmirnovTest(a, b) > 1e-3, "(a) vs (b) at N=" + n);
            assertTrue(ks.kolmogorovSmirnovTest(c, b) > 1e-3, "(c) vs (b) at N=" + n);
        }
    }

    @Test
    void medianRadiusAndClippedShareMatchTheImageSettings() {
        int n = 3072;
        double zMax = 40;
        double[] r = radii(new PfgmPrior(n, zMax, NO_CLIP), n, 4000, 7);
        Arrays.sort(r);
        double median = r[r.length / 2];
        assertEquals(3284, median, 0.05 * 3284);
        long clipped = Arrays.stream(r).filter(v -> v > 3000).count();
        assertEquals(0.54, (double) clipped / r.length, 0.03);
        double[] clippedRadii = radii(new PfgmPrior(n, zMax, 3000), n, 500, 7);
        assertTrue(Arrays.stream(clippedRadii).max().orElseThrow() <= 3000 + 1e-9);
    }

    @Test
    void densityIsNormalised() {
        // integral over the plane of p(x) = A_N * int_0^inf R^(N-1) p(R) dR, with R = zMax tan(theta)
        for (int n : new int[] {1, 2, 3, 6}) {
            double zMax = 2.5;
            assertEquals(1, PlaneIntegral.of(new PfgmPrior(n, zMax, NO_CLIP), n, zMax), 1e-4, "N=" + n);
        }
    }

    @Test
    void logGammaOfHalfIntegersIsExact() {
        assertEquals(Math.log(Math.sqrt(Math.PI)), PfgmPrior.logGammaHalf(1), 1e-14);
        assertEquals(0, PfgmPrior.logGammaHalf(2), 1e-14);
        assertEquals(Math.log(Math.sqrt(Math.PI) / 2), PfgmPrior.logGammaHalf(3), 1e-14);
        assertEquals(Math.log(6), PfgmPrior.logGammaHalf(8), 1e-14);
        assertEquals(org.apache.commons.math3.special.Gamma.logGamma(1537.5), PfgmPrior.logGammaHalf(3075), 1e-9);
    }
}
