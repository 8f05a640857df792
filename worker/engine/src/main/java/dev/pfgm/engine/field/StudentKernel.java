package dev.pfgm.engine.field;

import dev.pfgm.engine.random.SeedPlan;

/**
 * PFGM++'s perturbation kernel for D extra dimensions (math.md, section 11.2-11.3): the field
 * of one charge y seen at radius r = sigma sqrt(D) is a multivariate Student-t with D degrees of
 * freedom, x = y + r g / sqrt(c) with g ~ N(0, I_N) and c ~ chi^2_D. Noise levels follow EDM:
 * ln sigma ~ N(-1.2, 1.2^2). The chi^2 draw is a sum of D squared Gaussians, exact for any D
 * (the official code's clip of the Beta variate never fires at image sizes: u concentrates at
 * N / (N + D)).
 */
public record StudentKernel(int augDim) implements NoiseKernel {
    public static final double LOG_SIGMA_MEAN = -1.2;
    public static final double LOG_SIGMA_STD = 1.2;

    public StudentKernel {
        if (augDim < 1 || augDim == INFINITE) {
            throw new IllegalArgumentException("D must be a finite count of at least 1, got " + augDim);
        }
    }

    @Override
    public void apply(double[] y, int rows, int dim, SeedPlan rng, double[] x, double[] sigma) {
        for (int i = 0; i < rows; i++) {
            double s = NoiseKernel.drawSigma(rng);
            double scale = s * Math.sqrt(augDim) / Math.sqrt(chiSquare(augDim, rng));
            for (int k = 0; k < dim; k++) {
                x[i * dim + k] = y[i * dim + k] + scale * rng.nextGaussian();
            }
            sigma[i] = s;
        }
    }

    /**
     * Up to this D a chi^2 draw is the sum of D squared Gaussians (the streams of the models trained
     * so far); above it, twice a Gamma(D/2) variate by Marsaglia and Tsang's method, a few draws
     * whatever D (at D = 2048 the sum made training 8x slower than at D = 128). Both are exact.
     */
    static final int SUMMED_UP_TO = 256;

    /** A chi^2 variate with {@code d} degrees of freedom, kept away from 0 (it divides). */
    public static double chiSquare(int d, SeedPlan rng) {
        if (d > SUMMED_UP_TO) {
            return Math.max(2 * gamma(0.5 * d, rng), 1e-12);
        }
        double c = 0;
        for (int j = 0; j < d; j++) {
            double g = rng.nextGaussian();
            c += g * g;
        }
        return Math.max(c, 1e-12);
    }

    /** A Gamma(a, 1) variate for a >= 1 (Marsaglia and Tsang, 2000). */
    static double gamma(double a, SeedPlan rng) {
        double d = a - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
