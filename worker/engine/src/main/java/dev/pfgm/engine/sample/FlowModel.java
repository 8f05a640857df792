package dev.pfgm.engine.sample;

import dev.pfgm.engine.data.Standardizer;
import dev.pfgm.engine.field.Conditional;
import dev.pfgm.shared.data.Dataset;

/**
 * What sampling, encoding and decoding need of a trained model: its networks, its prior and the
 * levels the flow runs between. The model package implements it, so sampling depends on this
 * interface and not on how a model is stored or trained.
 */
public interface FlowModel {
    int dim();

    /** The level of the prior (z for PFGM, sigma for PFGM++ and diffusion). */
    double zMax();

    /** The level the flow stops at, where the data is. */
    double zMin();

    /** The prior on z = z_max, drawn from and scored by the sampler. */
    Prior prior();

    /** True for a diffusion model (aug_dim "inf"), the only family whose reverse SDE the stochastic solvers sample. */
    boolean diffusion();

    /** The model's family for messages, e.g. "PFGM++ (aug_dim 8)". */
    String family();

    /** Training examples per class of a class-conditional model; null for an unconditional one. */
    int[] classCounts();

    /** Classes the network is conditioned on; 0 for an unconditional model. */
    default int classes() {
        int[] c = classCounts();
        return c == null ? 0 : c.length;
    }

    Standardizer standardizer();

    /** Networks for sampling threads, kept between computations; each comes without labels. */
    NetworkSource<Conditional> networks();

    /** A network of its own with the model's weights, for one more thread. */
    Conditional newNetwork();

    /** Rows per fixed-shape chunk when sampling, encoding or scoring with this model's network. */
    int chunkRows();

    /** Refuses data whose width differs from the model's; {@code flag} names the input. */
    void checkDimension(Dataset data, String flag);
}
