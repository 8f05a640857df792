package dev.pfgm.engine.model;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.engine.data.Standardizer;
import dev.pfgm.engine.nn.FieldNetwork;
import dev.pfgm.engine.sample.PfgmPrior;
import dev.pfgm.engine.train.TrainSettings;

/**
 * A trained PFGM: resolved settings, the data standardisation, the EMA weights of the network,
 * provenance and the loss history. {@link ModelFile} stores it as one file.
 */
public final class PfgmModel {
    private final TrainSettings settings;
    private final Standardizer standardizer;
    private final float[] weights;
    private final Provenance provenance;
    private final float[] losses;
    private FieldNetwork network;

    public PfgmModel(TrainSettings settings, Standardizer standardizer, float[] weights, Provenance provenance,
                     float[] losses) {
        this.settings = settings;
        this.standardizer = standardizer;
        this.weights = weights;
        this.provenance = provenance;
        this.losses = losses;
    }

    public int dim() {
        return standardizer.dim();
    }

    public TrainSettings settings() {
        return settings;
    }

    public Standardizer standardizer() {
        return standardizer;
    }

    public float[] weights() {
        return weights;
    }

    public Provenance provenance() {
        return provenance;
    }

    public float[] losses() {
        return losses;
    }

    /** The network with this model's weights, shared (it keeps per-call buffers: one thread at a time). */
    public synchronized FieldNetwork network() {
        if (network == null) {
            network = newNetwork();
        }
        return network;
    }

    /** A network of its own with this model's weights, for one more thread. */
    public FieldNetwork newNetwork() {
        FieldNetwork net = new FieldNetwork(dim(), standardizer.maxNorm(), settings.hidden(), settings.depth(),
                settings.frequencies(), settings.xDirections(), settings.xOctaves());
        net.mlp().load(weights);
        return net;
    }

    public PfgmPrior prior() {
        return new PfgmPrior(dim(), settings.zMax(), settings.upperNorm());
    }

    /** Refuses data whose width differs from the model's; {@code flag} names the input. */
    public void checkDimension(Dataset data, String flag) {
        if (data.dim() != dim()) {
            throw new InvalidInputException(flag + ": '" + data.source() + "' has " + data.dim()
                    + " columns but the model was trained on " + dim());
        }
    }
}
