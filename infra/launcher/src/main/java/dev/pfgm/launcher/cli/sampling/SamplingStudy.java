package dev.pfgm.launcher.cli.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.eval.SampleStats;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.engine.train.ImageTrainer;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.GaussianMixture;
import dev.pfgm.shared.data.ImageSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Quality against network evaluations for PFGM, PFGM++ at several D and diffusion, trained on the
 * same data with the same network, optimiser, step budget and seed: for each method and sampler,
 * a ladder of NFE (K steps of euler, heun, edm and, for diffusion, the stochastic samplers; RK45 at
 * several tolerances), each at several sampling seeds. Quality is the sliced Wasserstein-1 distance
 * of the samples to held-out points, beside the floor: the same distance between two held-out
 * samples of the same size. Where the data's density is known, each model's held-out NLL beside
 * the true one. With quantisation, the edm ladder again on weights rounded to a few bits.
 */
final class SamplingStudy {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Directions of the sliced distance: the same for every pair compared. */
    private static final long PROJECTION_SEED = 7;
    /** Evaluations per row of heun-type samplers with K steps. */
    static final List<String> ODE_SAMPLERS = List.of("euler", "heun", "edm");

    /** A method: a name and the training settings that make it (aug_dim 1, D or "inf"). */
    record Method(String name, JsonNode settings) {
        static Method parse(String token) {
            ObjectNode s = JSON.createObjectNode();
            if (token.equals("pfgm")) {
                s.put("aug_dim", 1);
            } else if (token.equals("diffusion")) {
                s.put("aug_dim", "inf");
            } else if (token.startsWith("pfgmpp:")) {
                Long parsed = dev.pfgm.launcher.cli.Check.wholeNumber(token.substring(7));
                long d = parsed == null ? 0 : parsed;
                if (d < 2 || d > 1_000_000) {
                    throw new InvalidInputException("--methods: '" + token + "': D of pfgmpp:D is an integer in [2, 1000000]");
                }
                s.put("aug_dim", d);
            } else {
                throw new InvalidInputException("--methods: unknown method '" + token + "'; known: pfgm, pfgmpp:D, diffusion");
            }
            return new Method(token, s);
        }

        boolean diffusion() {
            return settings.path("aug_dim").asText().equals("inf");
        }

        String file() {
            return name.replace(':', '-') + ".pfgm";
        }
    }

    /** One point of a curve: a method's sampler at K steps (or an RK45 tolerance), over the seeds. */
    record Cell(String method, String sampler, int steps, double tolerance, boolean quantised, double nfe,
                double[] quality, double secondsPer1000) {
        double mean() {
            return java.util.Arrays.stream(quality).average().orElse(Double.NaN);
        }

        double sd() {
            double m = mean();
            return Math.sqrt(java.util.Arrays.stream(quality).map(q -> (q - m) * (q - m)).sum() / Math.max(1, quality.length - 1));
        }

        String curve() {
            return method + " " + sampler + (quantised ? " (quantised weights)" : "");
        }
    }

    /** A trained method: its model, how long training took, whether it was reused, its held-out NLL (NaN if not asked). */
    record Trained(Method method, PfgmModel model, double trainSeconds, boolean reused, double nll, double nllNfe) {
    }

    record Options(List<Method> methods, int steps, long trainSeed, JsonNode extra, int count, int seeds,
                   List<Integer> ladder, List<Double> tolerances, int quantiseBits) {
        boolean quantise() {
            return quantiseBits > 0;
        }
    }

    record Result(String data, int dim, int trainRows, int count, double floorMean, double floorSd, double trueNll,
                  List<Trained> trained, List<Cell> cells, Quality quality) {
    }

    /**
     * How far samples are from the data: the sliced Wasserstein-1 distance to held-out points for
     * tables, the Fréchet distance in a classifier's features for images ({@link ImageQuality}).
     */
    interface Quality {
        /** The distance of {@code n} samples [n, dim] (infinite if any value is not finite). */
        double of(float[] samples, int n);

        /** The same distance for a held-out draw in place of the samples: what a perfect model scores. */
        double floor(int seed);

        /** Short name for tables ("SW1"). */
        String symbol();

        /** What it is, for the floor's line. */
        String description();

        /** The plot's y axis. */
        String axis();
    }

    /** Sliced W1 to held-out points {@code heldA}; the floor is another held-out draw per seed. */
    record SlicedQuality(Dataset heldA, List<Dataset> heldB) implements Quality {
        @Override
        public double of(float[] samples, int n) {
            double[] x = new double[samples.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = samples[i];
            }
            return quality(x, n, heldA);
        }

        @Override
        public double floor(int seed) {
            Dataset b = heldB.get(seed);
            return quality(b.values(), b.count(), heldA);
        }

        @Override
        public String symbol() {
            return "SW1";
        }

        @Override
        public String description() {
            return "sliced W1 between held-out samples of " + heldA.count() + " points";
        }

        @Override
        public String axis() {
            return "sliced W1 to held-out points";
        }
    }

    /** The data a method trains on: a table (the MLP) or images (the U-Net). */
    record TrainingData(Dataset table, ImageSet images) {
        boolean isImages() {
            return images != null;
        }

        String sha256() {
            return isImages() ? images.sha256() : table.sha256();
        }

        int count() {
            return isImages() ? images.count() : table.count();
        }

        int dim() {
            return isImages() ? images.dim() : table.dim();
        }

        /** The trainer's defaults for these data; images without checkpoints or preview grids (a study keeps neither). */
        TrainSettings defaults() {
            return isImages() ? TrainSettings.imageDefaults().with(JSON.createObjectNode().put("checkpoint_every", 0)
                    .put("preview_every", 0), "bench-sampling") : TrainSettings.defaults();
        }

        /** The settings as the trainer resolves them for these data (what a model file records). */
        TrainSettings resolve(TrainSettings s) {
            return isImages() ? s.resolveImages(images.dim(), ImageTrainer.describe(images).meanNorm())
                    : s.resolve(table.dim());
        }

        PfgmModel train(TrainSettings s, dev.pfgm.engine.sample.Progress progress) {
            dev.pfgm.engine.train.TrainListener l = (step, total, loss) -> {
                if (step % 100 == 0 || step == total) {
                    progress.update((double) step / total);
                }
            };
            if (isImages()) {
                return ImageTrainer.train(images, s, null, l::onStep);
            }
            return Trainer.train(table, s, l);
        }
    }

    interface Listener {
        void on(double fraction, String what);
    }

    private SamplingStudy() {
    }

    /** {@code heldA}: held-out points for the NLL against {@code truth} (both null for data of unknown density). */
    static Result run(String name, TrainingData train, Quality quality, Dataset heldA, GaussianMixture truth, Options o,
                      Path modelDir, Listener listener) throws Exception {
        double[] floor = new double[o.seeds()];
        for (int s = 0; s < floor.length; s++) {
            floor[s] = quality.floor(s);
        }
        double trueNll = Double.NaN;
        if (truth != null) {
            double sum = 0;
            for (int i = 0; i < heldA.count(); i++) {
                sum -= truth.logDensity(heldA.values(), i * heldA.dim());
            }
            trueNll = sum / heldA.count();
        }
        List<Trained> trained = new ArrayList<>();
        List<Cell> cells = new ArrayList<>();
        int methods = o.methods().size();
        for (int mi = 0; mi < methods; mi++) {
            Method m = o.methods().get(mi);
            double base = (double) mi / methods;
            double share = 1.0 / methods;
            Trained t = trainOrReuse(m, train, o.steps(), o.trainSeed(), o.extra(), modelDir.resolve(m.file()),
                    f -> listener.on(base + 0.3 * share * f, "training " + m.name()));
            if (truth != null) {
                listener.on(base + 0.3 * share, "NLL of " + m.name());
                Likelihood.Result nll = new Likelihood(t.model()).nll(heldA, 0, 0, 1e-5, 1e-5, f -> { });
                t = new Trained(m, t.model(), t.trainSeconds(), t.reused(), nll.mean(), nll.meanNfe());
            }
            trained.add(t);
            List<SolverSpec> specs = ladder(m, o);
            List<PfgmModel> variants = new ArrayList<>(List.of(t.model()));
            if (o.quantise()) {
                variants.add(WeightQuantiser.quantised(t.model(), o.quantiseBits()));
            }
            int done = 0;
            int total = specs.size() + (o.quantise() ? edmCount(specs) : 0);
            for (PfgmModel model : variants) {
                boolean quantised = model != t.model();
                for (SolverSpec spec : specs) {
                    if (quantised && !spec.name().equals("edm")) {
                        continue;
                    }
                    listener.on(base + share * (0.35 + 0.65 * done / total), m.name() + " " + label(spec)
                            + (quantised ? " (quantised)" : ""));
                    cells.add(measure(m.name(), model, spec, quantised, quality, o));
                    done++;
                }
            }
        }
        double fm = java.util.Arrays.stream(floor).average().orElse(Double.NaN);
        double fsd = Math.sqrt(java.util.Arrays.stream(floor).map(q -> (q - fm) * (q - fm)).sum() / Math.max(1, floor.length - 1));
        return new Result(name, train.dim(), train.count(), o.count(), fm, fsd, trueNll, trained, cells, quality);
    }

    private static int edmCount(List<SolverSpec> specs) {
        return (int) specs.stream().filter(s -> s.name().equals("edm")).count();
    }

    static String label(SolverSpec s) {
        return s.adaptive() ? "rk45 tol " + s.rtol() : s.name() + " K=" + s.steps();
    }

    /** The samplers of a method at the ladder's NFE: K = n for one evaluation a step, K = (n + 1) / 2 for two. */
    static List<SolverSpec> ladder(Method m, Options o) {
        List<SolverSpec> out = new ArrayList<>();
        List<String> samplers = new ArrayList<>(ODE_SAMPLERS);
        if (m.diffusion()) {
            samplers.addAll(SolverSpec.STOCHASTIC);
        }
        for (String s : samplers) {
            boolean twice = !s.equals("euler") && !s.equals(SolverSpec.EULER_MARUYAMA)
                    && !s.equals(SolverSpec.EULER_MARUYAMA_GEOMETRIC);
            for (int n : o.ladder()) {
                int k = twice ? (n + 1) / 2 : n;
                if (k >= (twice ? 2 : 1)) {
                    out.add(new SolverSpec(s, SolverSpec.DEFAULT_TOLERANCE, SolverSpec.DEFAULT_TOLERANCE, k));
                }
            }
        }
        for (double tol : o.tolerances()) {
            out.add(new SolverSpec("rk45", tol, tol, SolverSpec.DEFAULT_STEPS));
        }
        return out;
    }

    private static Cell measure(String method, PfgmModel model, SolverSpec spec, boolean quantised, Quality quality,
                                Options o) {
        double[] q = new double[o.seeds()];
        double nfe = 0;
        double seconds = 0;
        Sampler sampler = new Sampler(model);
        for (int s = 0; s < o.seeds(); s++) {
            long t0 = System.nanoTime();
            Sampler.Result r = sampler.sample(o.count(), 1000 + s, spec, f -> { });
            seconds += (System.nanoTime() - t0) / 1e9;
            nfe += r.meanNfe() / o.seeds();
            q[s] = quality.of(r.samples(), r.count());
        }
        return new Cell(method, spec.name(), spec.adaptive() ? 0 : spec.steps(), spec.adaptive() ? spec.rtol() : 0,
                quantised, nfe, q, 1000 * seconds / (o.seeds() * (double) o.count()));
    }

    /** Sliced W1 of points [n, d] to the held-out sample (non-finite points make it infinite). */
    static double quality(double[] x, int n, Dataset heldA) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return SampleStats.slicedWasserstein(x, n, heldA.values(), heldA.count(), heldA.dim(), PROJECTION_SEED);
    }

    /** The method trained on {@code train} with the budget and seed, or the model in {@code file} if it was trained so. */
    static Trained trainOrReuse(Method m, TrainingData train, int steps, long trainSeed, JsonNode extra, Path file,
                                dev.pfgm.engine.sample.Progress progress) throws Exception {
        TrainSettings settings = train.defaults().with(m.settings(), "--methods " + m.name())
                .with(extra, "--config").with(JSON.createObjectNode().put("steps", steps).put("seed", trainSeed),
                        "--steps");
        if (Files.isRegularFile(file)) {
            PfgmModel old = ModelFile.read(file, file.toString());
            // the same data and every setting the same (budget, seed, method, --config): reuse it
            if (old.provenance().dataSha256().equals(train.sha256()) && old.settings().equals(train.resolve(settings))) {
                return new Trained(m, old, old.provenance().trainSeconds(), true, Double.NaN, 0);
            }
        }
        PfgmModel model = train.train(settings, progress);
        ModelFile.write(model, file);
        return new Trained(m, model, model.provenance().trainSeconds(), false, Double.NaN, 0);
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "inf";
    }
}
