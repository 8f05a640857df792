package dev.pfgm.engine.sample;

import dev.pfgm.engine.field.StudentKernel;
import dev.pfgm.engine.random.SeedPlan;

/**
 * PFGM++'s prior for D extra dimensions (math.md, sections 11.4 and 11.7): the kernel of a
 * charge at the origin seen at radius r_max = sigma_max sqrt(D), a multivariate Student-t with D
 * degrees of freedom, ln p(x) = ln Gamma((N+D)/2) - ln Gamma(D/2) - (N/2) ln pi + D ln r_max
 * - ((N+D)/2) ln(|x|^2 + r_max^2). Draws x = r_max g / sqrt(c), g ~ N(0, I_N), c ~ chi^2_D. At
 * D = 1 this is {@link PfgmPrior}'s density. Unlike PFGM's, nothing is clipped: the tail falls as
 * R^(-D-1), so for the D of interest no draw lands far out.
 */
public final class StudentPrior implements Prior {
    private final int dim;
    private final int augDim;
    private final double rMax;
    private final double logNormaliser;

    public StudentPrior(int dim, int augDim, double sigmaMax) {
        this.dim = dim;
        this.augDim = augDim;
        this.rMax = sigmaMax * Math.sqrt(augDim);
        this.logNormaliser = PfgmPrior.logGammaHalf(dim + augDim) - PfgmPrior.logGammaHalf(augDim)
                - 0.5 * dim * Math.log(Math.PI) + augDim * Math.log(rMax);
    }

    public double rMax() {
        return rMax;
    }

    @Override
    public void sample(SeedPlan rng, double[] out, int off) {
        double scale = rMax / Math.sqrt(StudentKernel.chiSquare(augDim, rng));
        for (int k = 0; k < dim; k++) {
            out[off + k] = scale * rng.nextGaussian();
        }
    }

    @Override
    public double at(double[] x, int off) {
        double norm2 = Prior.squaredNorm(x, off, dim);
        return logNormaliser - 0.5 * (dim + augDim) * Math.log(norm2 + rMax * rMax);
    }
}
