package dev.pfgm.engine.sample;

import dev.pfgm.engine.random.SeedPlan;

/**
 * PFGM's prior on the plane z = zMax (math.md, section 6): the field of a unit charge at the
 * origin seen on that plane, a multivariate Cauchy density with scale zMax,
 * p(x) = 2 zMax / A_{N+1} (|x|^2 + zMax^2)^(-(N+1)/2), where A_n is the area of the unit sphere
 * in R^n. Samples are x = zMax g / |g0| with g ~ N(0, I_N), g0 ~ N(0, 1) (method (b)), with the
 * radius clipped to {@code upperNorm} as in the official sampler; the density is the unclipped one.
 */
public final class PfgmPrior implements Prior {
    private final int dim;
    private final double zMax;
    private final double upperNorm;
    private final double logNormaliser;

    public PfgmPrior(int dim, double zMax, double upperNorm) {
        this.dim = dim;
        this.zMax = zMax;
        this.upperNorm = upperNorm;
        this.logNormaliser = Math.log(2 * zMax) - logSphereArea(dim + 1);
    }

    public double zMax() {
        return zMax;
    }

    public double upperNorm() {
        return upperNorm;
    }

    @Override
    public void sample(SeedPlan rng, double[] out, int off) {
        double g0 = Math.abs(rng.nextGaussian());
        double norm2 = 0;
        for (int k = 0; k < dim; k++) {
            double g = rng.nextGaussian();
            out[off + k] = g;
            norm2 += g * g;
        }
        g0 = Math.max(g0, Double.MIN_NORMAL);
        double radius = zMax * Math.sqrt(norm2) / g0;
        double scale = zMax / g0;
        if (radius > upperNorm) {
            scale *= upperNorm / radius;
        }
        for (int k = 0; k < dim; k++) {
            out[off + k] *= scale;
        }
    }

    /** ln p(x) of the unclipped prior, x read from {@code x[off .. off + N]}. */
    @Override
    public double at(double[] x, int off) {
        double norm2 = Prior.squaredNorm(x, off, dim);
        return logNormaliser - 0.5 * (dim + 1) * Math.log(norm2 + zMax * zMax);
    }

    /** ln A_n = ln 2 + (n/2) ln pi - ln Gamma(n/2), the area of the unit sphere in R^n. */
    public static double logSphereArea(int n) {
        return Math.log(2) + 0.5 * n * Math.log(Math.PI) - logGammaHalf(n);
    }

    /** ln Gamma(n / 2) for a positive integer n, exactly as a sum of logs. */
    static double logGammaHalf(int n) {
        double s = 0;
        if (n % 2 == 0) {
            for (int i = 1; i < n / 2; i++) {
                s += Math.log(i);
            }
        } else {
            s = 0.5 * Math.log(Math.PI);
            for (int i = 0; i <= (n - 3) / 2; i++) {
                s += Math.log(i + 0.5);
            }
        }
        return s;
    }
}
