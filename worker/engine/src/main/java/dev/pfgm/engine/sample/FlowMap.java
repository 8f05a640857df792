package dev.pfgm.engine.sample;

import dev.pfgm.shared.data.Dataset;

/**
 * The invertible map between data and the latent plane z = z_max (math.md, section 10):
 * encode runs the ODE forward from (x, z_min) to z_max, decode runs it back. Latents are in the
 * model's standardised units; their prior is {@link PfgmPrior}.
 */
public final class FlowMap {
    private final FlowModel model;

    public FlowMap(FlowModel model) {
        this.model = model;
    }

    /** Latents [n, N] (float32, model units) and mean NFE. */
    public Sampler.Result encode(Dataset data, SolverSpec spec, Progress progress) {
        model.checkDimension(data, "--data");
        double[] x = model.standardizer().standardized(data);
        double nfe = Sampler.transport(model::newNetwork, model.chunkRows(), x, data.count(),
                model.zMin(), model.zMax(), spec, progress);
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return new Sampler.Result(f, data.count(), data.dim(), nfe);
    }

    /** Points [n, N] in data units and mean NFE. */
    public Sampler.Result decode(Dataset latent, SolverSpec spec, Progress progress) {
        model.checkDimension(latent, "--latent");
        double[] x = latent.values().clone();
        double nfe = Sampler.transport(model::newNetwork, model.chunkRows(), x, latent.count(),
                model.zMax(), model.zMin(), spec, progress);
        return new Sampler.Result(model.standardizer().inverseToFloat(x), latent.count(), latent.dim(), nfe);
    }
}
