package dev.pfgm.engine.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.random.SeedPlan;
import java.util.Arrays;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/** math.md sections 11.2, 11.4 and 11.7: PFGM++'s prior, a Student-t of D degrees of freedom. */
class StudentPriorTest {

    @Test
    void radiusFollowsTheBetaLawOfSection11() {
        int[][] cases = {{2, 5}, {10, 16}, {30, 128}, {784, 128}};
        for (int[] c : cases) {
            int n = c[0];
            int d = c[1];
            StudentPrior prior = new StudentPrior(n, d, 3);
            double r2 = prior.rMax() * prior.rMax();
            double[] u = new double[5000];
            double[] x = new double[n];
            for (int i = 0; i < u.length; i++) {
                prior.sample(SeedPlan.forItem(n * 1000L + d, i), x, 0);
                double s = 0;
                for (double v : x) {
                    s += v * v;
                }
                u[i] = s / (s + r2);
            }
            double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new BetaDistribution(n / 2.0, d / 2.0), u);
            assertTrue(p > 1e-3, "KS p-value " + p + " for N=" + n + ", D=" + d);
            assertEquals(n / (double) (n + d), Arrays.stream(u).average().orElseThrow(), 0.01, "N=" + n + ", D=" + d);
        }
    }

    @Test
    void densityIsNormalised() {
        // integral over R^N = A_N * int_0^inf R^(N-1) p(R) dR, with R = r_max tan(theta)
        int[][] cases = {{1, 2}, {1, 3}, {2, 4}, {3, 7}, {6, 20}};
        for (int[] c : cases) {
            int n = c[0];
            StudentPrior prior = new StudentPrior(n, c[1], 0.8);
            assertEquals(1, PlaneIntegral.of(prior, n, prior.rMax()), 1e-4, "N=" + n + ", D=" + c[1]);
        }
    }

    @Test
    void oneExtraDimensionIsPfgmsPrior() {
        int n = 784;
        StudentPrior student = new StudentPrior(n, 1, 43.4);
        PfgmPrior pfgm = new PfgmPrior(n, 43.4, Double.POSITIVE_INFINITY);
        SeedPlan r = SeedPlan.of(5);
        double[] x = new double[n];
        for (int t = 0; t < 5; t++) {
            double scale = Math.pow(10, t - 1);
            for (int k = 0; k < n; k++) {
                x[k] = scale * r.nextGaussian();
            }
            assertEquals(pfgm.at(x, 0), student.at(x, 0), 1e-9 * Math.abs(pfgm.at(x, 0)), "scale " + scale);
        }
    }
}
