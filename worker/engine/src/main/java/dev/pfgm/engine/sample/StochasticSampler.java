package dev.pfgm.engine.sample;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.ode.Grid;
import dev.pfgm.engine.random.SeedPlan;

/**
 * The stochastic samplers of a diffusion model (aug_dim "inf"), the kind of sampler the "fewer
 * evaluations than diffusion" claim is measured against. The first two walk EDM's grid (rho = 7) of
 * K steps from sigma_max down to sigma_min, with the score s(x, sigma) = (m(x, sigma) - x) / sigma^2 of
 * the network's charge mean m (the denoiser; math.md section 11.6).
 *
 * <ul>
 * <li>euler-maruyama: the reverse-time SDE of the variance-exploding process as sigma falls,
 * dx = -d(sigma^2) s(x, sigma) + sqrt(-d(sigma^2)) dW, one Euler-Maruyama step per interval:
 * x' = x + (sigma^2 - sigma'^2) s(x, sigma) + sqrt(sigma^2 - sigma'^2) xi. K evaluations.</li>
 * <li>edm-churn: Karras et al. 2022, Algorithm 2: at each step raise the noise level by a factor
 * 1 + gamma (gamma = min(S_churn / K, sqrt 2 - 1) while S_min <= sigma <= S_max) by adding
 * noise, then take a Heun step of the probability-flow ODE down to the next level. 2K - 1
 * evaluations (the last step has no correction, as the edm solver).</li>
 * <li>euler-maruyama-geometric: the same Euler-Maruyama steps on a grid evenly spaced in ln sigma,
 * the discretisation of Song et al.'s VE SDE (2021) whose 1,000-step samplers the PFGM paper
 * compares with: it spends as many steps at large sigma, where little happens, as near the data.</li>
 * </ul>
 *
 * <p>Each row draws its noise from its own stream, so a sample depends on (seed, its index) only.
 */
final class StochasticSampler {
    /**
     * The churn's settings: how much noise per step (S_churn spread over the K steps), between
     * which noise levels, and S_noise, a slight over-inflation of the added noise that EDM found to
     * offset what an imperfect denoiser removes (with an exact one it inflates the variance).
     */
    record Churn(double sChurn, double sMin, double sMax, double sNoise) {
        /** EDM's settings of its ImageNet-64 runs (Karras et al. 2022, Table 5). */
        static final Churn EDM = new Churn(40, 0.05, 50, 1.003);
    }

    private StochasticSampler() {
    }

    /**
     * Carries {@code rows} points of {@code x} from sigma = {@code from} down to {@code to}, in
     * place, with {@code noise[r]} the stream of row r; returns the evaluations per row.
     */
    static int run(ChargeMean field, double[] x, int rows, double from, double to, String name, int steps,
                   SeedPlan[] noise, Progress progress) {
        return run(field, x, rows, from, to, name, steps, Churn.EDM, noise, progress);
    }

    static int run(ChargeMean field, double[] x, int rows, double from, double to, String name, int steps,
                   Churn churn, SeedPlan[] noise, Progress progress) {
        return switch (name) {
            case SolverSpec.EULER_MARUYAMA -> eulerMaruyama(field, x, rows, from, to, steps, Grid.EDM, noise, progress);
            case SolverSpec.EULER_MARUYAMA_GEOMETRIC -> eulerMaruyama(field, x, rows, from, to, steps, Grid.GEOMETRIC, noise,
                    progress);
            case SolverSpec.EDM_CHURN -> churn(field, x, rows, from, to, steps, churn, noise, progress);
            default -> throw new IllegalArgumentException("not a stochastic sampler: " + name);
        };
    }

    private static int eulerMaruyama(ChargeMean field, double[] x, int rows, double from, double to, int steps,
                                     Grid spacing, SeedPlan[] noise, Progress progress) {
        int dim = field.dim();
        double[] grid = spacing.points(from, to, steps);
        double[] s = new double[rows];
        double[] m = new double[rows * dim];
        for (int k = 0; k < steps; k++) {
            double sigma = grid[k];
            double next = grid[k + 1];
            java.util.Arrays.fill(s, sigma);
            field.chargeMean(x, s, rows, m);
            double variance = sigma * sigma - next * next;
            double drift = variance / (sigma * sigma);
            double spread = Math.sqrt(variance);
            for (int r = 0; r < rows; r++) {
                for (int d = 0; d < dim; d++) {
                    int i = r * dim + d;
                    x[i] += drift * (m[i] - x[i]) + spread * noise[r].nextGaussian();
                }
            }
            progress.update((k + 1.0) / steps);
        }
        return steps;
    }

    private static int churn(ChargeMean field, double[] x, int rows, double from, double to, int steps, Churn churn,
                             SeedPlan[] noise, Progress progress) {
        int dim = field.dim();
        double[] grid = Grid.EDM.points(from, to, steps);
        double gammaMax = Math.min(churn.sChurn() / steps, Math.sqrt(2) - 1);
        double[] s = new double[rows];
        double[] m = new double[rows * dim];
        double[] slope = new double[rows * dim];
        double[] hat = new double[rows * dim];
        int evaluations = 0;
        for (int k = 0; k < steps; k++) {
            double sigma = grid[k];
            double next = grid[k + 1];
            double gamma = sigma >= churn.sMin() && sigma <= churn.sMax() ? gammaMax : 0;
            double raised = sigma * (1 + gamma);
            double added = Math.sqrt(Math.max(0, raised * raised - sigma * sigma)) * churn.sNoise();
            for (int r = 0; r < rows; r++) {
                for (int d = 0; d < dim; d++) {
                    hat[r * dim + d] = x[r * dim + d] + (added > 0 ? added * noise[r].nextGaussian() : 0);
                }
            }
            // Euler step of dx/dsigma = (x - m) / sigma from the raised level down to the next
            java.util.Arrays.fill(s, raised);
            field.chargeMean(hat, s, rows, m);
            evaluations++;
            double h = next - raised;
            for (int i = 0; i < rows * dim; i++) {
                slope[i] = (hat[i] - m[i]) / raised;
                x[i] = hat[i] + h * slope[i];
            }
            if (k < steps - 1) {
                // Heun's correction: the mean of the slopes at both ends
                java.util.Arrays.fill(s, next);
                field.chargeMean(x, s, rows, m);
                evaluations++;
                for (int i = 0; i < rows * dim; i++) {
                    x[i] = hat[i] + h * 0.5 * (slope[i] + (x[i] - m[i]) / next);
                }
            }
            progress.update((k + 1.0) / steps);
        }
        return evaluations;
    }
}
