package dev.pfgm.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pfgm.engine.sample.SeedPlan;
import org.junit.jupiter.api.Test;

class FeatureStatsTest {
    private static float[] gaussian(int n, int dim, double mean, double sd, long seed) {
        SeedPlan r = SeedPlan.of(seed);
        float[] f = new float[n * dim];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (mean + sd * r.nextGaussian());
        }
        return f;
    }

    /** For isotropic Gaussians FD = d (mu1 - mu2)^2 + d (s1 - s2)^2, and a set against itself is 0. */
    @Test
    void frechetOfKnownGaussians() {
        int dim = 8;
        int n = 40_000;
        FeatureStats a = FeatureStats.of(gaussian(n, dim, 0, 1, 1), n, dim);
        FeatureStats b = FeatureStats.of(gaussian(n, dim, 0.5, 2, 2), n, dim);
        assertEquals(0, a.frechet(a), 1e-9);
        assertEquals(dim * 0.25 + dim * 1.0, a.frechet(b), 0.15);
        assertEquals(a.frechet(b), b.frechet(a), 1e-6);
    }

    /** The baseline's NLL is the exact Gaussian density: for N(0, I) data it is |x|^2 / 2 + d/2 ln(2 pi). */
    @Test
    void gaussianBaselineFitsAndScores() {
        int dim = 5;
        int n = 50_000;
        GaussianBaseline g = GaussianBaseline.fit(gaussian(n, dim, 0, 1, 3), n, dim);
        double[] x = {0.5, -1, 0, 2, 0.1};
        double want = 0.5 * (0.25 + 1 + 0 + 4 + 0.01) + 0.5 * dim * Math.log(2 * Math.PI);
        assertEquals(want, g.nll(x, 1)[0], 0.05);
        float[] s = g.sample(20_000, 9);
        FeatureStats st = FeatureStats.of(s, 20_000, dim);
        for (int k = 0; k < dim; k++) {
            assertEquals(0, st.mean()[k], 0.03);
            assertEquals(1, st.cov()[k][k], 0.05);
        }
    }
}
