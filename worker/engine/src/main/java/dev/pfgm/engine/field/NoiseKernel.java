package dev.pfgm.engine.field;

import dev.pfgm.engine.random.SeedPlan;

/**
 * The perturbation of PFGM++'s objective (math.md, section 11.3): each clean point y gets a
 * noise level sigma (EDM's ln sigma ~ N(-1.2, 1.2^2)) and a perturbed x drawn from the kernel of D
 * extra dimensions at r = sigma sqrt(D); the network regresses y from (x, sigma).
 */
public interface NoiseKernel {
    /** Perturbs {@code rows} points from {@code y} into {@code x}, their sigma into {@code sigma}. */
    void apply(double[] y, int rows, int dim, SeedPlan rng, double[] x, double[] sigma);

    /** The kernel of {@code augDim} extra dimensions; {@link #INFINITE} gives the Gaussian, diffusion's. */
    static NoiseKernel of(int augDim) {
        return augDim == INFINITE ? new GaussianKernel() : new StudentKernel(augDim);
    }

    /** D -> infinity, stored as the largest int: the diffusion limit (section 11.6). */
    int INFINITE = Integer.MAX_VALUE;

    /** EDM's training noise level. */
    static double drawSigma(SeedPlan rng) {
        return Math.exp(StudentKernel.LOG_SIGMA_MEAN + StudentKernel.LOG_SIGMA_STD * rng.nextGaussian());
    }
}
