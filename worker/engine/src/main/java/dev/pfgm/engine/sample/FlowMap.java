package dev.pfgm.engine.sample;

import dev.pfgm.engine.data.Dataset;
import dev.pfgm.engine.model.PfgmModel;

/**
 * The invertible map between data and the latent plane z = z_max (pfgm-math.md, section 10):
 * encode runs the ODE forward from (x, z_min) to z_max, decode runs it back. Latents are in the
 * model's standardised units; their prior is {@link PfgmPrior}.
 */
public final class FlowMap {
    private final PfgmModel model;
    private final Sampler sampler;

    public FlowMap(PfgmModel model) {
        this.model = model;
        this.sampler = new Sampler(model);
    }

    /** Latents [n, N] (float32, model units) and mean NFE. */
    public Sampler.Result encode(Dataset data, SolverSpec spec, Progress progress) {
        double[] x = model.standardizer().standardized(data);
        double nfe = run(x, data.count(), model.settings().zMin(), model.settings().zMax(), spec, progress);
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return new Sampler.Result(f, data.count(), data.dim(), nfe);
    }

    /** Points [n, N] in data units and mean NFE. */
    public Sampler.Result decode(Dataset latent, SolverSpec spec, Progress progress) {
        double[] x = latent.values().clone();
        double nfe = run(x, latent.count(), model.settings().zMax(), model.settings().zMin(), spec, progress);
        return new Sampler.Result(model.standardizer().inverseToFloat(x), latent.count(), latent.dim(), nfe);
    }

    private double run(double[] x, int count, double from, double to, SolverSpec spec, Progress progress) {
        int dim = model.dim();
        int chunkSize = Sampler.CHUNK;
        int chunks = (count + chunkSize - 1) / chunkSize;
        double[] chunk = new double[chunkSize * dim];
        double nfe = 0;
        for (int c = 0; c < chunks; c++) {
            int first = c * chunkSize;
            int rows = Math.min(chunkSize, count - first);
            java.util.Arrays.fill(chunk, 0);
            System.arraycopy(x, first * dim, chunk, 0, rows * dim);
            final int done = c;
            var sol = sampler.integrate(chunk, from, to, spec, f -> progress.update((done + f) / chunks));
            for (int r = 0; r < rows; r++) {
                nfe += sol.evaluations()[r];
            }
            System.arraycopy(chunk, 0, x, first * dim, rows * dim);
        }
        progress.update(1.0);
        return nfe / count;
    }
}
