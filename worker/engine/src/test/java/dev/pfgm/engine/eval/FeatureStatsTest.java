package dev.pfgm.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.random.SeedPlan;
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

    /**
     * Covariances that do not commute (an axis-aligned one and a rotated one), against the closed
     * form for 2 x 2: the eigenvalues of C1 C2 are positive, so tr (C1 C2)^(1/2) = sqrt(tr(C1 C2) +
     * 2 sqrt(det(C1 C2))). A formula that assumes commuting matrices (the root of the diagonals'
     * products) is 1.1 away here (8.114 vs 7.030, checked with scipy.linalg.sqrtm).
     */
    @Test
    void frechetOfNonCommutingCovariances() {
        double c = Math.cos(Math.PI / 6);
        double s = Math.sin(Math.PI / 6);
        double[][] c1 = {{4, 0}, {0, 1}};
        // R diag(1, 9) R^T for a rotation by 30 degrees
        double[][] c2 = {{c * c + 9 * s * s, (1 - 9) * c * s}, {(1 - 9) * c * s, s * s + 9 * c * c}};
        FeatureStats a = new FeatureStats(new double[] {1, -2}, c1, 100);
        FeatureStats b = new FeatureStats(new double[] {0.5, 0}, c2, 100);
        double[][] p = new double[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                p[i][j] = c1[i][0] * c2[0][j] + c1[i][1] * c2[1][j];
            }
        }
        double trRoot = Math.sqrt(p[0][0] + p[1][1] + 2 * Math.sqrt(p[0][0] * p[1][1] - p[0][1] * p[1][0]));
        double want = 0.25 + 4 + c1[0][0] + c1[1][1] + c2[0][0] + c2[1][1] - 2 * trRoot;
        assertEquals(want, a.frechet(b), 1e-9);
        assertEquals(want, b.frechet(a), 1e-9);
        double commuting = 0.25 + 4 + c1[0][0] + c1[1][1] + c2[0][0] + c2[1][1]
                - 2 * (Math.sqrt(c1[0][0] * c2[0][0]) + Math.sqrt(c1[1][1] * c2[1][1]));
        assertTrue(Math.abs(commuting - want) > 0.5, "the case tells the commuting shortcut apart: " + commuting
                + " vs " + want);
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
