package dev.pfgm.engine.train;

import dev.pfgm.engine.data.Standardizer;
import dev.pfgm.engine.model.ImageMeta;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.Provenance;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.nn.Adam;
import dev.pfgm.engine.nn.Ema;
import dev.pfgm.engine.nn.conv.UNet;
import dev.pfgm.engine.nn.conv.UNetSpec;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.sample.ChunkRunner;
import dev.pfgm.engine.sample.Guidance;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.ImageGrid;
import dev.pfgm.shared.data.ImageSet;
import java.util.Arrays;

/**
 * Trains PFGM on images with the U-Net: the same objective as {@link Trainer} (large batch of
 * charges, perturbation kernel, empirical-field targets, normalised-field loss) with the
 * hyperparameters scaled for N = c h w ({@link TrainSettings#resolveImages}); or, with
 * {@code aug_dim} D > 1, PFGM++ (Student-t kernel at r = sigma sqrt D, EDM's noise levels, the
 * clean image as target: math.md section 11.3). Pixels stay in
 * [-1, 1]. Every {@code checkpoint_every} steps it hands the listener a {@link Checkpoint};
 * every {@code preview_every} steps a PNG grid of 36 samples from the current EMA weights (same
 * seed each time, a 12-step Heun solve, so consecutive grids show the same latents maturing).
 * Training resumed from a checkpoint continues exactly: batches come from per-step streams.
 */
public final class ImageTrainer {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double ADAM_EPS = 1e-8;
    private static final int FINAL_LOSS_WINDOW = 100;
    private static final int PREVIEW_COUNT = 36;
    private static final long PREVIEW_SEED = 20221;

    /** Training events beyond the step: checkpoints and preview grids. */
    public interface Listener extends TrainListener {
        default void onCheckpoint(int step, Checkpoint checkpoint) {
        }

        default void onPreview(int step, byte[] png) {
        }
    }

    private ImageTrainer() {
    }

    /** Facts about the images the network needs: pixel RMS (EDM's sigma_data) and mean image norm. */
    public static ImageMeta describe(ImageSet data) {
        float[] px = data.pixels();
        int dim = data.dim();
        double sq = 0;
        double norms = 0;
        for (int i = 0; i < data.count(); i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                double v = px[i * dim + k];
                s += v * v;
            }
            sq += s;
            norms += Math.sqrt(s);
        }
        double rms = Math.sqrt(sq / ((double) data.count() * dim));
        return new ImageMeta(data.channels(), data.height(), data.width(), Math.max(rms, 1e-3), data.eightBit(),
                norms / data.count());
    }

    /** A run's start, checked and resolved by {@link #prepare}: settings, image facts (with class counts), labels. */
    public record Start(ImageSet data, TrainSettings settings, ImageMeta image, int[] labels, Checkpoint resume,
                        PfgmModel init) {
        /** The first step to train: 1, or the one after the checkpoint's. */
        public int firstStep() {
            return resume == null ? 1 : resume.step() + 1;
        }
    }

    /** Trains from scratch, or from a checkpoint with its own settings and step count. */
    public static PfgmModel train(ImageSet data, TrainSettings requested, Checkpoint resume, Listener listener) {
        return train(prepare(data, requested, resume, null, false, 0), listener);
    }

    /**
     * Checks and resolves a run without training it, so that a caller can refuse bad input before
     * it writes anything. From scratch ({@code resume} and {@code init} null) {@code requested} is
     * resolved for the images; a checkpoint of the same data brings its own settings ({@code steps}
     * > 0 replaces its step count); {@code init} starts from that model's EMA weights with
     * {@code requested} as the settings (the caller derives them from the model's), and an
     * unconditional model can start a conditional run, its class inputs at zero.
     * {@code conditional} trains on the data's labels (PFGM++ only), each row's label dropped with
     * probability label_dropout so that the network also learns the unconditional field guidance
     * contrasts with; a conditional checkpoint resumes only with the labels it was trained on.
     */
    public static Start prepare(ImageSet data, TrainSettings requested, Checkpoint resume, PfgmModel init,
                                boolean conditional, int steps) {
        if (data.count() < 2) {
            throw new InvalidInputException("--data: '" + data.source() + "' has " + data.count()
                    + " image; training needs at least 2");
        }
        ImageMeta image;
        TrainSettings s;
        if (resume != null) {
            if (!resume.dataSha256().equals(data.sha256())) {
                throw new InvalidInputException("--resume: the checkpoint was made on other data (sha256 "
                        + resume.dataSha256() + ", this data " + data.sha256() + ")");
            }
            s = resume.settings();
            if (steps > 0 && steps != s.steps()) {
                if (steps < resume.step()) {
                    throw new InvalidInputException("--steps: " + steps + " is below the checkpoint's step "
                            + resume.step());
                }
                s = s.with(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("steps", steps),
                        "--steps");
            }
            image = resume.image();
            boolean labelled = image.classes() > 0;
            if (labelled != conditional) {
                throw new InvalidInputException(labelled ? "--labels: the checkpoint is class-conditional; give the"
                        + " labels it was trained on" : "--labels: the checkpoint is of an unconditional run");
            }
        } else if (init != null) {
            if (!init.isImage() || init.image().channels() != data.channels() || init.image().height() != data.height()
                    || init.image().width() != data.width()) {
                throw new InvalidInputException("--init: the model's data are " + (init.isImage()
                        ? init.image().shape() + " images" : "a table") + ", this data " + data.channels() + "x"
                        + data.height() + "x" + data.width() + " images");
            }
            if (init.image().classes() > 0 && !conditional) {
                throw new InvalidInputException("--init: the model is class-conditional; give --labels to train on");
            }
            s = requested;
            // the network's preconditioning was fitted to the model's sigma_data: keep it
            image = init.image().withClassCounts(null);
        } else {
            image = describe(data);
            s = requested.resolveImages(data.dim(), image.meanNorm());
        }
        int[] labels = null;
        if (conditional) {
            if (!s.plusPlus()) {
                throw new InvalidInputException("--labels: class-conditional training needs PFGM++ (aug_dim > 1);"
                        + " PFGM's field targets mix all classes");
            }
            if (data.labels() == null) {
                throw new InvalidInputException("--labels: the training is class-conditional but the data have no"
                        + " labels");
            }
            labels = data.labels();
            int[] counts = classCounts(labels);
            if (resume != null && !Arrays.equals(counts, image.classCounts())) {
                throw new InvalidInputException("--labels: the checkpoint was trained on other labels (class counts "
                        + Arrays.toString(image.classCounts()) + ", these " + Arrays.toString(counts) + ")");
            }
            if (init != null && init.image().classes() > 0 && init.image().classes() != counts.length) {
                throw new InvalidInputException("--init: the model has " + init.image().classes()
                        + " classes, these labels " + counts.length);
            }
            image = image.withClassCounts(counts);
        }
        if (init != null) {
            UNetSpec from = PfgmModel.unetSpec(init.settings(), init.image());
            UNetSpec to = PfgmModel.unetSpec(s, image);
            if (!from.unconditional().equals(to.unconditional())) {
                throw new InvalidInputException("--init: the model's U-Net (width " + from.base() + ", "
                        + from.levels() + " levels) is not the one these settings make (width " + to.base() + ", "
                        + to.levels() + " levels)");
            }
        }
        return new Start(data, s, image, labels, resume, init);
    }

    /** Trains the run {@link #prepare} checked. */
    public static PfgmModel train(Start start, Listener listener) {
        long started = System.nanoTime();
        ImageSet data = start.data();
        TrainSettings s = start.settings();
        ImageMeta image = start.image();
        Checkpoint resume = start.resume();
        PfgmModel init = start.init();
        int dim = data.dim();
        UNet net = new UNet(PfgmModel.unetSpec(s, image), image.sigmaData());
        float[] params = net.parameters();
        Adam adam = new Adam(params.length, BETA1, BETA2, ADAM_EPS);
        Ema ema;
        float[] losses = new float[s.steps()];
        int first = start.firstStep();
        double priorSeconds = 0;
        if (resume == null) {
            if (init == null) {
                net.initialise(SeedPlan.forItem(s.seed(), 0));
            } else if (init.image().classes() == net.spec().classes()) {
                net.load(init.weights());
            } else {
                net.loadUnconditional(init.weights());
            }
            ema = new Ema(params, s.ema());
        } else {
            if (resume.params().length != params.length) {
                throw new InvalidInputException("--resume: the checkpoint holds " + resume.params().length
                        + " weights, the network " + params.length);
            }
            net.load(resume.params());
            ema = new Ema(params, s.ema());
            ema.restore(resume.ema(), resume.emaUpdates());
            adam.restore(resume.adamM(), resume.adamV(), resume.adamSteps());
            System.arraycopy(resume.losses(), 0, losses, 0, Math.min(resume.step(), losses.length));
            priorSeconds = resume.seconds();
        }
        float[] grad = new float[params.length];
        double[] points = new double[data.count() * dim];
        float[] px = data.pixels();
        for (int i = 0; i < points.length; i++) {
            points[i] = px[i];
        }
        Standardizer identity = identity(dim, image.meanNorm());
        try (BatchSource batches = BatchSource.resumable(points, dim, s, SeedPlan.forItem(s.seed(), 1).nextLong() & Long.MAX_VALUE,
                first, start.labels()); ChunkedGradient gradient = new ChunkedGradient(net, s.batch(), ChunkRunner.threads(),
                s.plusPlus())) {
            for (int step = first; step <= s.steps(); step++) {
                BatchSource.Batch b = batches.take();
                double loss = gradient.lossAndGradient(b.x, b.z, b.target, b.labels, s.batch(), s.gamma(), grad);
                adam.update(params, grad, Trainer.learningRate(s, step), s.clip(), s.weightDecay());
                gradient.commit();
                ema.update(params);
                dev.pfgm.shared.NonFiniteException.checkLoss(loss, step);
                losses[step - 1] = (float) loss;
                listener.onStep(step, s.steps(), loss);
                boolean last = step == s.steps();
                // the grid before the checkpoint: a run stopped between the two redraws the grid when it
                // resumes, so every step up to a checkpoint has its grid
                if (s.previewEvery() > 0 && (step % s.previewEvery() == 0 || last)) {
                    PfgmModel current = new PfgmModel(s, identity, ema.average().clone(), null, new float[0], image);
                    listener.onPreview(step, previewGrid(current));
                }
                if (s.checkpointEvery() > 0 && (step % s.checkpointEvery() == 0 || last)) {
                    double seconds = priorSeconds + (System.nanoTime() - started) / 1e9;
                    listener.onCheckpoint(step, new Checkpoint(s, image, data.sha256(), step, params.clone(),
                            ema.average().clone(), ema.updates(), adam.firstMoment().clone(),
                            adam.secondMoment().clone(), adam.steps(), Arrays.copyOf(losses, step), seconds));
                }
            }
        }
        double seconds = priorSeconds + (System.nanoTime() - started) / 1e9;
        double finalLoss = 0;
        int window = Math.min(FINAL_LOSS_WINDOW, s.steps());
        for (int i = s.steps() - window; i < s.steps(); i++) {
            finalLoss += losses[i];
        }
        finalLoss /= window;
        Provenance provenance = Provenance.capture(data.source(), data.sha256(), data.count(), dim, s, finalLoss,
                seconds, 0, 0);
        return new PfgmModel(s, identity, ema.average().clone(), provenance, losses, image);
    }

    /** A 6x6 grid of samples from a fixed seed with a cheap solver (a conditional model's cycle through its classes). */
    public static byte[] previewGrid(PfgmModel model) {
        Guidance classes = model.image().classes() > 0 ? new Guidance(Guidance.CYCLE, 1) : null;
        Sampler.Result r = new Sampler(model, classes).sample(PREVIEW_COUNT, PREVIEW_SEED, new SolverSpec("heun", SolverSpec.DEFAULT_TOLERANCE, SolverSpec.DEFAULT_TOLERANCE, 12),
                Progress.NONE);
        ImageMeta im = model.image();
        return ImageGrid.png(r.samples(), PREVIEW_COUNT, im.channels(), im.height(), im.width(), 6,
                ImageGrid.displayScale(im.height()));
    }

    /** Images per class for labels 0 .. max; refuses negative labels. */
    static int[] classCounts(int[] labels) {
        int max = -1;
        for (int l : labels) {
            if (l < 0) {
                throw new InvalidInputException("--labels: label " + l + " is negative");
            }
            max = Math.max(max, l);
        }
        int[] counts = new int[max + 1];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    /** Images are modelled in pixel units: mean 0 and scale 1 for every value. */
    static Standardizer identity(int dim, double meanNorm) {
        double[] mean = new double[dim];
        double[] std = new double[dim];
        Arrays.fill(std, 1.0);
        return new Standardizer(mean, std, meanNorm);
    }
}
