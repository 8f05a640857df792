package dev.pfgm.engine.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pfgm.engine.random.SeedPlan;
import org.junit.jupiter.api.Test;

/** math.md section 11.6: the diffusion limit's prior is N(0, sigma_max^2 I), the Student-t prior's limit. */
class GaussianPriorTest {
    @Test
    void drawsHaveTheVarianceAndTheDensityIsNormalised() {
        int n = 3;
        double sigmaMax = 80;
        GaussianPrior prior = new GaussianPrior(n, sigmaMax);
        int count = 40000;
        double[] x = new double[n];
        double sum = 0;
        double sum2 = 0;
        for (int i = 0; i < count; i++) {
            prior.sample(SeedPlan.forItem(7, i), x, 0);
            for (double v : x) {
                sum += v;
                sum2 += v * v;
            }
        }
        assertEquals(0, sum / (count * n), 0.02 * sigmaMax);
        assertEquals(sigmaMax * sigmaMax, sum2 / (count * n), 0.02 * sigmaMax * sigmaMax);
        // at the origin: (2 pi sigma^2)^(-N/2); one sigma out along an axis: e^(-1/2) less
        assertEquals(-1.5 * Math.log(2 * Math.PI * sigmaMax * sigmaMax), prior.at(new double[] {0, 0, 0}, 0), 1e-12);
        assertEquals(prior.at(new double[] {0, 0, 0}, 0) - 0.5, prior.at(new double[] {0, sigmaMax, 0}, 0), 1e-12);
    }

    @Test
    void theStudentPriorTendsToItAsDGrows() {
        int n = 2;
        double sigmaMax = 5;
        GaussianPrior gauss = new GaussianPrior(n, sigmaMax);
        double[][] points = {{0, 0}, {3, -4}, {10, 2}};
        double last = Double.POSITIVE_INFINITY;
        for (int d : new int[] {100, 10_000, 1_000_000}) {
            StudentPrior student = new StudentPrior(n, d, sigmaMax);
            double worst = 0;
            for (double[] p : points) {
                worst = Math.max(worst, Math.abs(student.at(p, 0) - gauss.at(p, 0)));
            }
            assertEquals(true, worst < last, "the gap shrinks with D: " + worst + " at D = " + d);
            last = worst;
        }
        assertEquals(0, last, 1e-4);
    }
}
