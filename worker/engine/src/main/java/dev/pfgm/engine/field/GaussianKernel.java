package dev.pfgm.engine.field;

import dev.pfgm.engine.random.SeedPlan;

/**
 * The D -> infinity limit of PFGM++'s kernel (math.md, section 11.6): the Student-t of D
 * degrees of freedom at r = sigma sqrt(D) tends to N(y, sigma^2 I), EDM's Gaussian perturbation, so
 * training with it is EDM's denoising objective: a diffusion model on the same network.
 */
public record GaussianKernel() implements NoiseKernel {
    @Override
    public void apply(double[] y, int rows, int dim, SeedPlan rng, double[] x, double[] sigma) {
        for (int i = 0; i < rows; i++) {
            double s = NoiseKernel.drawSigma(rng);
            for (int k = 0; k < dim; k++) {
                x[i * dim + k] = y[i * dim + k] + s * rng.nextGaussian();
            }
            sigma[i] = s;
        }
    }
}
