package dev.pfgm.engine.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.random.SeedPlan;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/** math.md sections 11.2 and 11.3: PFGM++'s training kernel. */
class StudentKernelTest {

    @Test
    void noiseLevelsAreEdmsLogNormalAndOffsetsTheStudentLaw() {
        int n = 20;
        int d = 12;
        int rows = 4000;
        double[] y = new double[rows * n];
        SeedPlan r = SeedPlan.of(1);
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextGaussian();
        }
        double[] x = new double[rows * n];
        double[] sigma = new double[rows];
        new StudentKernel(d).apply(y, rows, n, SeedPlan.of(2), x, sigma);
        double[] logSigma = new double[rows];
        double[] u = new double[rows];
        for (int i = 0; i < rows; i++) {
            logSigma[i] = Math.log(sigma[i]);
            double s = 0;
            for (int k = 0; k < n; k++) {
                double e = x[i * n + k] - y[i * n + k];
                s += e * e;
            }
            double r2 = sigma[i] * sigma[i] * d;
            u[i] = s / (s + r2);
        }
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
        double pSigma = ks.kolmogorovSmirnovTest(new NormalDistribution(-1.2, 1.2), logSigma);
        assertTrue(pSigma > 1e-3, "ln sigma: KS p-value " + pSigma);
        double pU = ks.kolmogorovSmirnovTest(new BetaDistribution(n / 2.0, d / 2.0), u);
        assertTrue(pU > 1e-3, "radius: KS p-value " + pU);
        assertEquals(n / (double) (n + d), java.util.Arrays.stream(u).average().orElseThrow(), 0.01);
    }

    @Test
    void chiSquareDrawsFollowTheirLawBothWays() {
        // summed up to 256 degrees of freedom, Marsaglia-Tsang's Gamma above: both chi^2_D
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
        for (int d : new int[] {3, 128, 300, 2048, 100_000}) {
            SeedPlan r = SeedPlan.of(d);
            double[] c = new double[4000];
            for (int i = 0; i < c.length; i++) {
                c[i] = StudentKernel.chiSquare(d, r);
            }
            double p = ks.kolmogorovSmirnovTest(new org.apache.commons.math3.distribution.ChiSquaredDistribution(d), c);
            assertTrue(p > 1e-3, "chi^2 with " + d + " degrees of freedom: KS p-value " + p);
        }
    }
}
