package dev.pfgm.launcher.cli.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.sample.GaussianPrior;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.GaussianMixture;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The likelihood study's Monte Carlo divergences against closed forms: for a Gaussian truth and
 * Gaussian kernels (the diffusion limit) every KL is one between Gaussians.
 */
class FlowBiasTest {
    /** Data units: mean (1, -2), covariance [[1, 0.5], [0.5, 0.5]]. */
    private static final double[] MU = {1, -2};
    private static final double[][] SIGMA = {{1, 0.5}, {0.5, 0.5}};

    @Test
    void smoothingAndPriorMatchTheirGaussianClosedForms() {
        GaussianMixture truth = new GaussianMixture(new double[] {1}, new double[][] {MU}, new double[][][] {SIGMA});
        SplittableRandom rng = new SplittableRandom(1);
        double[] v = new double[4000 * 2];
        double[] row = new double[2];
        for (int i = 0; i < 4000; i++) {
            truth.sample(rng, row);
            System.arraycopy(row, 0, v, i * 2, 2);
        }
        Dataset data = new Dataset("test", v, 4000, 2, "sha");
        // a diffusion model whose prior sits at sigma 1.5, so that KL(p * k || prior) is large enough to check
        TrainSettings s = TrainSettings.defaults().with(new ObjectMapper().createObjectNode().put("aug_dim", "inf")
                .put("steps", 5).put("z_max", 1.5), "test");
        PfgmModel model = Trainer.train(data, s, (a, b, c) -> { });
        FlowBias bias = new FlowBias(model, truth);
        // the truth in model units: mean a, covariance C
        double[] m = model.standardizer().mean();
        double[] sd = model.standardizer().std();
        double[] a = {(MU[0] - m[0]) / sd[0], (MU[1] - m[1]) / sd[1]};
        double[][] c = {{SIGMA[0][0] / (sd[0] * sd[0]), SIGMA[0][1] / (sd[0] * sd[1])},
            {SIGMA[1][0] / (sd[0] * sd[1]), SIGMA[1][1] / (sd[1] * sd[1])}};
        double[] y = new double[1500 * 2];
        SplittableRandom r2 = new SplittableRandom(2);
        double[] x = new double[2];
        for (int i = 0; i < 1500; i++) {
            truth.sample(r2, x);
            y[2 * i] = (x[0] - m[0]) / sd[0];
            y[2 * i + 1] = (x[1] - m[1]) / sd[1];
        }
        // the model-unit density is the truth's, shifted and scaled
        assertEquals(Math.log(gauss(a, c, y, 0)), bias.logTruth(y, 0), 1e-9);

        double j = 0.6;
        double want = kl(a, c, a, plus(c, j * j));
        FlowBias.Estimate got = bias.smoothing(y, 1500, new GaussianPrior(2, j), 400, 3);
        assertEquals(want, got.mean(), 4 * got.se() + 0.02 * want, "KL(p || p * N(0, j^2)) = " + want);

        double sigma = 1.5;
        double[] ref = new double[3000 * 2];
        for (int i = 0; i < 3000; i++) {
            truth.sample(r2, x);
            ref[2 * i] = (x[0] - m[0]) / sd[0];
            ref[2 * i + 1] = (x[1] - m[1]) / sd[1];
        }
        double wantPrior = kl(a, plus(c, sigma * sigma), new double[2], new double[][] {{sigma * sigma, 0}, {0, sigma * sigma}});
        FlowBias.Estimate prior = bias.prior(y, 1500, ref, 3000, 4);
        assertEquals(wantPrior, prior.mean(), 4 * prior.se() + 0.03 * wantPrior, "KL(p * k || prior) = " + wantPrior);
        assertTrue(want > 0.05 && wantPrior > 0.05, want + " " + wantPrior);
    }

    private static double[][] plus(double[][] c, double v) {
        return new double[][] {{c[0][0] + v, c[0][1]}, {c[1][0], c[1][1] + v}};
    }

    private static double det(double[][] c) {
        return c[0][0] * c[1][1] - c[0][1] * c[1][0];
    }

    private static double[][] inv(double[][] c) {
        double d = det(c);
        return new double[][] {{c[1][1] / d, -c[0][1] / d}, {-c[1][0] / d, c[0][0] / d}};
    }

    /** KL(N(m1, c1) || N(m2, c2)) in two dimensions. */
    private static double kl(double[] m1, double[][] c1, double[] m2, double[][] c2) {
        double[][] i2 = inv(c2);
        double tr = i2[0][0] * c1[0][0] + i2[0][1] * c1[1][0] + i2[1][0] * c1[0][1] + i2[1][1] * c1[1][1];
        double d0 = m2[0] - m1[0];
        double d1 = m2[1] - m1[1];
        double quad = d0 * (i2[0][0] * d0 + i2[0][1] * d1) + d1 * (i2[1][0] * d0 + i2[1][1] * d1);
        return 0.5 * (tr + quad - 2 + Math.log(det(c2) / det(c1)));
    }

    private static double gauss(double[] a, double[][] c, double[] y, int off) {
        double[][] i = inv(c);
        double d0 = y[off] - a[0];
        double d1 = y[off + 1] - a[1];
        double quad = d0 * (i[0][0] * d0 + i[0][1] * d1) + d1 * (i[1][0] * d0 + i[1][1] * d1);
        return Math.exp(-0.5 * quad) / (2 * Math.PI * Math.sqrt(det(c)));
    }
}
