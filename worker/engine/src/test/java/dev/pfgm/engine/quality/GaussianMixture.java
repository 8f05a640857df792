package dev.pfgm.engine.quality;

import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.shared.data.BuiltinData;

/** A Gaussian mixture with known density, for quality tests: its weights, draws and log density. */
final class GaussianMixture {
    final int dim;
    final double[] weights;
    /** The density and the Cholesky transform: the shared class the builtin sets use. */
    private final dev.pfgm.shared.data.GaussianMixture law;

    GaussianMixture(double[] weights, double[][] means, double[][][] covariances) {
        this(new dev.pfgm.shared.data.GaussianMixture(weights, means, covariances));
    }

    private GaussianMixture(dev.pfgm.shared.data.GaussianMixture law) {
        this.dim = law.dim();
        this.weights = new double[law.components()];
        for (int c = 0; c < weights.length; c++) {
            weights[c] = law.weight(c);
        }
        this.law = law;
    }

    /** Five anisotropic components in 2-D with unequal weights. */
    static GaussianMixture twoD() {
        return new GaussianMixture(new double[] {0.3, 0.25, 0.2, 0.15, 0.1},
                new double[][] {{-1.5, -1.0}, {1.5, -1.0}, {0.0, 1.5}, {-1.2, 1.6}, {1.8, 1.4}},
                new double[][][] {{{0.15, 0.05}, {0.05, 0.1}}, {{0.1, -0.04}, {-0.04, 0.12}}, {{0.2, 0}, {0, 0.05}},
                        {{0.05, 0}, {0, 0.05}}, {{0.08, 0.03}, {0.03, 0.08}}});
    }

    /** builtin:mixture6's law: six anisotropic components in 6-D with unequal weights. */
    static GaussianMixture sixD() {
        return new GaussianMixture(BuiltinData.density("mixture6"));
    }

    /** n points, row-major, from stream {@code seed}. */
    double[] sample(int n, long seed) {
        SeedPlan r = SeedPlan.of(seed);
        double[] x = new double[n * dim];
        double[] g = new double[dim];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int c = 0;
            double acc = weights[0];
            while (u > acc && c < weights.length - 1) {
                acc += weights[++c];
            }
            for (int k = 0; k < dim; k++) {
                g[k] = r.nextGaussian();
            }
            law.point(c, g, x, i * dim);
        }
        return x;
    }

    /** ln(w_c N(x; mu_c, Sigma_c)) for each component c. */
    double[] componentLogDensities(double[] x, int off) {
        return law.componentLogDensities(x, off);
    }

    double logDensity(double[] x, int off) {
        return law.logDensity(x, off);
    }
}
