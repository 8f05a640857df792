package dev.pfgm.engine.sample;

import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.ode.OdeSystem;
import dev.pfgm.engine.ode.Solution;

/**
 * Draws samples: prior points on the plane z = z_max (section 6), carried down to z_min by the
 * backward ODE (section 7), returned in data units.
 *
 * <p>Determinism: sample i starts from {@link SeedPlan#forItem}(seed, i) and is integrated in
 * chunk i / {@value #CHUNK} at row i % {@value #CHUNK}, with its own RK45 step sizes. Matrix
 * products give bitwise-different rows for different batch shapes, so every chunk has the same
 * shape (short chunks are padded); then sample i does not depend on the count.
 */
public final class Sampler {
    public static final int CHUNK = 256;

    private final PfgmModel model;

    public Sampler(PfgmModel model) {
        this.model = model;
    }

    /** Samples and the mean NFE per sample. */
    public record Result(float[] samples, int count, int dim, double meanNfe) {
    }

    public Result sample(int count, long seed, SolverSpec spec, Progress progress) {
        int dim = model.dim();
        PfgmPrior prior = model.prior();
        double zMax = model.settings().zMax();
        double zMin = model.settings().zMin();
        double[] out = new double[count * dim];
        double[] chunk = new double[CHUNK * dim];
        int chunks = (count + CHUNK - 1) / CHUNK;
        double nfe = 0;
        for (int c = 0; c < chunks; c++) {
            int first = c * CHUNK;
            int rows = Math.min(CHUNK, count - first);
            java.util.Arrays.fill(chunk, 0);
            for (int r = 0; r < rows; r++) {
                prior.sample(SeedPlan.forItem(seed, first + r), chunk, r * dim);
            }
            final int done = c;
            Solution sol = integrate(chunk, zMax, zMin, spec, f -> progress.update((done + f) / chunks));
            for (int r = 0; r < rows; r++) {
                nfe += sol.evaluations()[r];
            }
            System.arraycopy(chunk, 0, out, first * dim, rows * dim);
        }
        progress.update(1.0);
        return new Result(model.standardizer().inverseToFloat(out), count, dim, nfe / count);
    }

    /** Integrates a full chunk (model units) from z = {@code from} to z = {@code to} in place. */
    Solution integrate(double[] chunk, double from, double to, SolverSpec spec, Progress progress) {
        if (spec.adaptive()) {
            OdeSystem ode = FlowOde.inLogZ(model.network());
            return spec.solver().solve(ode, chunk, CHUNK, Math.log(from), Math.log(to), progress::update);
        }
        OdeSystem ode = FlowOde.inZ(model.network());
        return spec.solver().solve(ode, chunk, CHUNK, from, to, progress::update);
    }
}
