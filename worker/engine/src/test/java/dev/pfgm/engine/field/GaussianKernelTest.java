package dev.pfgm.engine.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.random.SeedPlan;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/** math.md section 11.6: the diffusion limit's kernel is N(y, sigma^2 I) at EDM's noise levels. */
class GaussianKernelTest {
    @Test
    void offsetsAreGaussianAtEdmsNoiseLevels() {
        int n = 6;
        int rows = 5000;
        double[] y = new double[rows * n];
        SeedPlan r = SeedPlan.of(3);
        for (int i = 0; i < y.length; i++) {
            y[i] = 3 * r.nextGaussian();
        }
        double[] x = new double[rows * n];
        double[] sigma = new double[rows];
        NoiseKernel.of(NoiseKernel.INFINITE).apply(y, rows, n, SeedPlan.of(4), x, sigma);
        double[] logSigma = new double[rows];
        double[] scaled = new double[rows * n];
        double[] radius2 = new double[rows];
        for (int i = 0; i < rows; i++) {
            logSigma[i] = Math.log(sigma[i]);
            for (int k = 0; k < n; k++) {
                scaled[i * n + k] = (x[i * n + k] - y[i * n + k]) / sigma[i];
                radius2[i] += scaled[i * n + k] * scaled[i * n + k];
            }
        }
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
        assertTrue(ks.kolmogorovSmirnovTest(new NormalDistribution(-1.2, 1.2), logSigma) > 1e-3, "ln sigma");
        assertTrue(ks.kolmogorovSmirnovTest(new NormalDistribution(0, 1), scaled) > 1e-3, "(x - y) / sigma per value");
        // |x - y|^2 / sigma^2 ~ chi^2_N: Gaussian tails, not the Student-t's heavier ones
        assertTrue(ks.kolmogorovSmirnovTest(new ChiSquaredDistribution(n), radius2) > 1e-3, "radius");
    }

    @Test
    void aLargeDStudentKernelApproachesIt() {
        // the Student-t's radius law u ~ Beta(N/2, D/2) scaled by r^2 = sigma^2 D: E|x - y|^2 = sigma^2 N D / (D - 2)
        int n = 4;
        int rows = 20000;
        double[] y = new double[rows * n];
        double[] x = new double[rows * n];
        double[] sigma = new double[rows];
        double[] mean = new double[2];
        int k = 0;
        for (NoiseKernel kernel : new NoiseKernel[] {new StudentKernel(4000), NoiseKernel.of(NoiseKernel.INFINITE)}) {
            kernel.apply(y, rows, n, SeedPlan.of(5), x, sigma);
            double s = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) {
                    s += x[i * n + j] * x[i * n + j] / (sigma[i] * sigma[i]);
                }
            }
            mean[k++] = s / rows;
        }
        assertEquals(n * 4000.0 / 3998, mean[0], 0.1);
        assertEquals(n, mean[1], 0.1);
    }

    @Test
    void theStudentKernelRefusesTheInfiniteMarker() {
        assertThrows(IllegalArgumentException.class, () -> new StudentKernel(NoiseKernel.INFINITE));
    }
}
