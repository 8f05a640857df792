package dev.pfgm.engine.field;

import dev.pfgm.engine.random.SeedPlan;

/**
 * PFGM's perturbation kernel for training points (math.md, section 4; paper, App. B.1.1).
 * For a clean point y: m ~ U[0, M); eps_x ~ N(0, sigma^2 I_N), eps_z ~ N(0, sigma^2); if the
 * restriction is on and |eps_z| < sigma / 2, m is redrawn from U[0, 0.7 M) (this keeps training
 * points that are close to the plane but far from the data, which backward trajectories never
 * visit, rare); then x = y + eps_x (1 + tau)^m and z = |eps_z| (1 + tau)^m.
 *
 * <p>The paper writes the x offset as |eps_x| times an independent uniform direction; eps_x
 * itself has exactly that distribution. The threshold sigma / 2 is the paper's 0.005 at its
 * sigma = 0.01.
 */
public record Perturbation(double sigma, double tau, double maxExponent, boolean restrict) {
    private static final double RESTRICT_FRACTION = 0.7;
    private static final double Z_FLOOR = 1e-10;

    /** Perturbs {@code rows} points of width {@code dim} from {@code y} into {@code x} and {@code z}. */
    public void apply(double[] y, int rows, int dim, SeedPlan rng, double[] x, double[] z) {
        double logGrowth = Math.log1p(tau);
        for (int i = 0; i < rows; i++) {
            double m = maxExponent * rng.nextDouble();
            double ez = sigma * rng.nextGaussian();
            if (restrict && Math.abs(ez) < 0.5 * sigma) {
                m = RESTRICT_FRACTION * maxExponent * rng.nextDouble();
            }
            double scale = Math.exp(m * logGrowth);
            for (int k = 0; k < dim; k++) {
                x[i * dim + k] = y[i * dim + k] + sigma * rng.nextGaussian() * scale;
            }
            z[i] = Math.max(Math.abs(ez) * scale, Z_FLOOR);
        }
    }
}
