package dev.pfgm.engine.sample;

import dev.pfgm.engine.random.SeedPlan;

/**
 * The diffusion limit's prior (math.md, section 11.6): PFGM++'s Student-t prior at
 * r_max = sigma_max sqrt(D) tends to N(0, sigma_max^2 I) as D grows, so a diffusion model starts
 * from Gaussian noise of the largest noise level:
 * ln p(x) = -(N/2) ln(2 pi sigma_max^2) - |x|^2 / (2 sigma_max^2).
 */
public final class GaussianPrior implements Prior {
    private final int dim;
    private final double sigmaMax;
    private final double logNormaliser;

    public GaussianPrior(int dim, double sigmaMax) {
        this.dim = dim;
        this.sigmaMax = sigmaMax;
        this.logNormaliser = -0.5 * dim * Math.log(2 * Math.PI * sigmaMax * sigmaMax);
    }

    @Override
    public void sample(SeedPlan rng, double[] out, int off) {
        for (int k = 0; k < dim; k++) {
            out[off + k] = sigmaMax * rng.nextGaussian();
        }
    }

    @Override
    public double at(double[] x, int off) {
        double norm2 = Prior.squaredNorm(x, off, dim);
        return logNormaliser - norm2 / (2 * sigmaMax * sigmaMax);
    }
}
