package dev.pfgm.engine.model;

import dev.pfgm.engine.data.Standardizer;
import dev.pfgm.engine.field.Conditional;
import dev.pfgm.engine.nn.FieldNetwork;
import dev.pfgm.engine.nn.conv.UNet;
import dev.pfgm.engine.nn.conv.UNetSpec;
import dev.pfgm.engine.sample.FlowModel;
import dev.pfgm.engine.sample.GaussianPrior;
import dev.pfgm.engine.sample.NetworkSource;
import dev.pfgm.engine.sample.PfgmPrior;
import dev.pfgm.engine.sample.Prior;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.StudentPrior;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.Dataset;

/**
 * A trained PFGM: resolved settings, the data standardisation, the EMA weights of the network,
 * provenance and the loss history. {@link ModelFile} stores it as one file. Image models also carry
 * {@link ImageMeta}; their network is a {@link UNet} and their standardisation the identity (pixels
 * stay in [-1, 1]).
 */
public final class PfgmModel implements FlowModel {
    private final TrainSettings settings;
    private final Standardizer standardizer;
    private final float[] weights;
    private final Provenance provenance;
    private final float[] losses;
    private final ImageMeta image;
    /** A class-conditional vector model's training examples per class (images keep theirs in ImageMeta). */
    private final int[] classCounts;
    /** The training table's column the labels came from (a name or an index), when it had one. */
    private final String labelColumn;
    private Conditional network;
    /** Networks handed back by finished computations, for the next ones ({@link #networks()}). */
    private final java.util.ArrayDeque<Conditional> idle = new java.util.ArrayDeque<>();
    private static final int IDLE_NETWORKS = 8;

    public PfgmModel(TrainSettings settings, Standardizer standardizer, float[] weights, Provenance provenance,
                     float[] losses) {
        this(settings, standardizer, weights, provenance, losses, null);
    }

    public PfgmModel(TrainSettings settings, Standardizer standardizer, float[] weights, Provenance provenance,
                     float[] losses, ImageMeta image) {
        this(settings, standardizer, weights, provenance, losses, image, null);
    }

    /** A vector model conditional on classes with {@code classCounts} training examples each (null: unconditional). */
    public PfgmModel(TrainSettings settings, Standardizer standardizer, float[] weights, Provenance provenance,
                     float[] losses, ImageMeta image, int[] classCounts) {
        this(settings, standardizer, weights, provenance, losses, image, classCounts, null);
    }

    private PfgmModel(TrainSettings settings, Standardizer standardizer, float[] weights, Provenance provenance,
                      float[] losses, ImageMeta image, int[] classCounts, String labelColumn) {
        this.labelColumn = labelColumn;
        if (image != null && classCounts != null) {
            throw new IllegalArgumentException("an image model keeps its class counts in its ImageMeta");
        }
        this.classCounts = classCounts;
        this.image = image;
        this.settings = settings;
        this.standardizer = standardizer;
        this.weights = weights;
        this.provenance = provenance;
        this.losses = losses;
    }

    @Override
    public int dim() {
        return standardizer.dim();
    }

    @Override
    public double zMax() {
        return settings.zMax();
    }

    @Override
    public double zMin() {
        return settings.zMin();
    }

    @Override
    public boolean diffusion() {
        return settings.diffusion();
    }

    @Override
    public String family() {
        return settings.diffusion() ? "diffusion (aug_dim \"inf\")"
                : settings.plusPlus() ? "PFGM++ (aug_dim " + settings.augDim() + ")" : "PFGM (aug_dim 1)";
    }

    public TrainSettings settings() {
        return settings;
    }

    @Override
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

    /** Image shape and pixel facts, or null for a vector model. */
    public ImageMeta image() {
        return image;
    }

    public boolean isImage() {
        return image != null;
    }

    /** Training examples per class of a class-conditional model; null for an unconditional one. */
    @Override
    public int[] classCounts() {
        return image != null ? image.classCounts() : classCounts;
    }

    /** The training table's label column (for reading that data again), or null. */
    public String labelColumn() {
        return labelColumn;
    }

    /** This model, recording that its labels came from {@code column} of its training table. */
    public PfgmModel withLabelColumn(String column) {
        return new PfgmModel(settings, standardizer, weights, provenance, losses, image, classCounts, column);
    }

    /** The network with this model's weights, shared (it keeps per-call buffers: one thread at a time). */
    public synchronized Conditional network() {
        if (network == null) {
            network = newNetwork();
        }
        return network;
    }

    /**
     * Networks for sampling threads, kept between computations: a bulk synthesis draws many shards
     * of one model, and a network's construction and first pass at a batch size cost more than a
     * small shard's share of the work. A network comes back without labels.
     */
    @Override
    public NetworkSource<Conditional> networks() {
        return new NetworkSource<>() {
            @Override
            public Conditional get() {
                synchronized (idle) {
                    Conditional n = idle.poll();
                    if (n != null) {
                        return n;
                    }
                }
                return newNetwork();
            }

            @Override
            public void release(Conditional n) {
                n.condition(null);
                synchronized (idle) {
                    if (idle.size() < IDLE_NETWORKS) {
                        idle.push(n);
                    }
                }
            }
        };
    }

    /** A network of its own with this model's weights, for one more thread. */
    @Override
    public Conditional newNetwork() {
        if (image != null) {
            UNet net = new UNet(unetSpec(settings, image), image.sigmaData());
            net.load(weights);
            return net;
        }
        FieldNetwork net = vectorNetwork(settings, dim(), standardizer.maxNorm(), classes());
        net.mlp().load(weights);
        return net;
    }

    /** How many weights the settings describe. */
    public int expectedWeights() {
        if (image != null) {
            return new UNet(unetSpec(settings, image), image.sigmaData()).parameterCount();
        }
        return vectorNetwork(settings, dim(), standardizer.maxNorm(), classes()).mlp().parameterCount();
    }

    public static UNetSpec unetSpec(TrainSettings s, ImageMeta image) {
        return new UNetSpec(image.channels(), image.height(), image.width(), s.unetWidth(), s.unetLevels(),
                s.frequencies(), image.classes());
    }

    public static FieldNetwork vectorNetwork(TrainSettings s, int dim, double maxNorm, int classes) {
        return new FieldNetwork(dim, maxNorm, s.hidden(), s.depth(), s.frequencies(), s.xDirections(), s.xOctaves(),
                classes);
    }

    /** Rows per fixed-shape chunk when sampling, encoding or scoring with this model's network. */
    @Override
    public int chunkRows() {
        return Sampler.chunkRows(image != null);
    }

    /** PFGM's Cauchy prior on z = z_max, or PFGM++'s Student-t one at sigma_max = z_max. */
    @Override
    public Prior prior() {
        return settings.plusPlus() ? kernelAt(settings.zMax()) : new PfgmPrior(dim(), settings.zMax(), settings.upperNorm());
    }

    /**
     * The perturbation kernel of a unit charge at the origin seen at noise level {@code level} (z for
     * PFGM, sigma for PFGM++ and diffusion), unclipped: the prior is this kernel at z_max, and the
     * data's law at a level is the data convolved with it (the likelihood study measures both).
     */
    public Prior kernelAt(double level) {
        if (settings.diffusion()) {
            return new GaussianPrior(dim(), level);
        }
        if (settings.plusPlus()) {
            return new StudentPrior(dim(), settings.augDim(), level);
        }
        return new PfgmPrior(dim(), level, Double.POSITIVE_INFINITY);
    }

    /**
     * Refuses images of another shape than the model's, the same number of pixels in another layout
     * (8 x 32 for 16 x 16) included: they would run, and mean nothing.
     */
    public void checkImages(dev.pfgm.shared.data.ImageSet set, String flag) {
        if (image == null || set.channels() != image.channels() || set.height() != image.height()
                || set.width() != image.width()) {
            throw new InvalidInputException(flag + ": '" + set.source() + "' holds " + set.channels() + "x" + set.height()
                    + "x" + set.width() + " images; the model's are " + (image == null ? "none (a table model)"
                    : image.shape()));
        }
    }

    /** Refuses data whose width differs from the model's; {@code flag} names the input. */
    @Override
    public void checkDimension(Dataset data, String flag) {
        if (image != null && data.dim() != dim()) {
            throw new InvalidInputException(flag + ": '" + data.source() + "' has " + data.dim()
                    + " values per item but the model's images are " + image.shape() + " (" + dim() + ")");
        }
        if (data.dim() != dim()) {
            throw new InvalidInputException(flag + ": '" + data.source() + "' has " + data.dim()
                    + " columns but the model was trained on " + dim());
        }
    }
}
