package dev.pfgm.launcher.cli.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.engine.train.Holdout;
import dev.pfgm.launcher.cli.Check;
import dev.pfgm.launcher.cli.ClassifierOption;
import dev.pfgm.launcher.cli.Cli;
import dev.pfgm.launcher.cli.CliCommand;
import dev.pfgm.launcher.cli.ProgressBar;
import dev.pfgm.launcher.cli.Summary;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.GaussianMixture;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.data.ProceduralImages;
import dev.pfgm.shared.model.SolverLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** ./pfgm bench-sampling: quality against NFE for PFGM, PFGM++ and diffusion on one data set. */
@Command(name = "bench-sampling",
        description = "quality vs network evaluations: PFGM, PFGM++ at several D and diffusion, every sampler",
        footer = {"Trains each method on D with the same network, optimiser, N steps and seed (a model already in",
            "OUT/NAME/models trained on the same data with the same settings is reused), then samples C points",
            "with S seeds for every sampler at each NFE of the ladder (euler, euler-maruyama and",
            "euler-maruyama-geometric K = NFE; heun, edm and edm-churn K = (NFE + 1) / 2; the stochastic ones for",
            "diffusion only) and RK45 at each tolerance.",
            "Tables (builtin:NAME or a file; C 2000, NFE 5,10,18,35,50,100,200,500,1000, tolerances",
            "1e-2,1e-3,1e-4,1e-5): sliced Wasserstein-1 to C held-out points (fresh draws for builtin sets; else",
            "a fifth of the rows, kept out of training) beside the floor (held-out against held-out); NLL against",
            "the truth where the density is known (builtin:ring8, builtin:mixture6).",
            "Images (builtin:discs, IDX, .zip of PNGs, .npy; C 250, NFE 5,10,18,35,50,100, tolerances 1e-2,1e-3;",
            "the image training defaults): eval's Frechet distance in classifier features to the training images,",
            "beside held-out images' (fresh discs, else a fifth kept out); the classifier is --classifier, else",
            "trained here on --labels (discs: small r < 3 / large) and kept in models/.",
            "Writes OUT/NAME/{table.md, results.json, quality.png, models/} (OUT default docs/sampling); the last",
            "stdout line is JSON."})
public final class SamplingBenchCommand extends CliCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Epochs of the classifier trained for the image quality when none is given (99% on discs by size). */
    static final int CLASSIFIER_EPOCHS = 4;

    @Option(names = "--data", required = true, paramLabel = "D", description = "builtin:NAME, a table, or images")
    String data;

    @Option(names = "--steps", required = true, paramLabel = "N", description = "training steps of every method")
    int steps;

    @Mixin
    StudyOptions study;

    @Option(names = "--count", paramLabel = "C", description = "points sampled per seed (tables 2000, images 250)")
    Integer count;

    @Option(names = "--seeds", paramLabel = "S", description = "sampling seeds, 1..100 (default 3)")
    int seeds = 3;

    @Option(names = "--nfe", paramLabel = "5,10,...", description = "the ladder of network evaluations")
    String nfe;

    @Option(names = "--tolerances", paramLabel = "1e-2,...", converter = Cli.AnyText.class,
            description = "RK45's tolerances (empty: none)")
    String tolerances;

    @Option(names = "--quantise-bits", paramLabel = "B",
            description = "the edm ladder again with weights rounded to B bits (8 is the robustness check; 0, the"
                    + " default, skips it)")
    int quantiseBits;

    @Option(names = "--labels", paramLabel = "LABELS", description = "images: labels to train the classifier on")
    String labels;

    @Mixin
    ClassifierOption classifierOption;

    @Override
    protected void run() throws Exception {
        Check.range("--steps", steps, 1, 10_000_000);
        List<SamplingStudy.Method> methods = study.methods("pfgm,pfgmpp:128,pfgmpp:2048,diffusion");
        long trainSeed = study.trainSeed();
        JsonNode extra = study.config();
        Path outRoot = study.out("docs/sampling");

        Path dir;
        SamplingStudy.Options o;
        ProgressBar bar = new ProgressBar("bench-sampling");
        SamplingStudy.Result r;
        boolean table = BuiltinData.isBuiltin(data) && !data.equals(ImageFiles.DISCS);
        if (table && (labels != null || classifierOption.given())) {
            throw new InvalidInputException((labels != null ? "--labels" : "--classifier") + ": for images only; '"
                    + data + "' is a table");
        }
        ImageFiles.Loaded loaded = table ? null : ImageFiles.load(data, labels, "--data", "--labels");
        if (loaded != null && !loaded.isImages() && classifierOption.given()) {
            throw new InvalidInputException("--classifier: for images only; '" + data + "' is a table");
        }
        if (loaded != null && loaded.isImages()) {
            // images: a smaller default ladder and count, Frechet distance in a classifier's features
            int count = count(250, 100_000);
            o = options(methods, trainSeed, extra, count, "5,10,18,35,50,100", "1e-2,1e-3");
            if (!classifierOption.given() && !data.equals(ImageFiles.DISCS) && loaded.images().labels() == null) {
                throw new InvalidInputException("--classifier: '" + data + "' has no labels to train one on; give"
                        + " --labels or a --classifier from ./pfgm classifier train");
            }
            String setName = data.equals(ImageFiles.DISCS) ? "discs" : baseName(data);
            ImageSet all = loaded.images();
            ImageSet train;
            List<ImageSet> held = new ArrayList<>();
            if (data.equals(ImageFiles.DISCS)) {
                train = all;
                for (int s = 0; s < o.seeds(); s++) {
                    held.add(ProceduralImages.discs(count, 16, 2.0, 4.0, 100 + s));
                }
            } else {
                boolean[] mask = Holdout.mask(all.count(), 0.2, trainSeed);
                train = imageRows(all, mask, false);
                ImageSet out = imageRows(all, mask, true);
                if (out.count() < count) {
                    throw new InvalidInputException("--count: " + count + " samples need " + count + " held-out images;"
                            + " a fifth of '" + data + "' is " + out.count() + StudyOptions.lowerCount(count));
                }
                held.add(imageRows(out, 0, count));
            }
            // written only once every check has passed
            dir = outRoot.resolve(setName);
            Path models = dir.resolve("models");
            // a given classifier is checked before anything is written; a trained one makes the folders
            ClassifierModel classifier = classifier(train, models, bar);
            DataFiles.createFolder(models, "--out");
            SamplingStudy.Quality quality = ImageQuality.of(classifier, train, held.size() == 1
                    ? java.util.Collections.nCopies(o.seeds(), held.get(0)) : held);
            try {
                r = SamplingStudy.run(setName, new SamplingStudy.TrainingData(null, train), quality, null, null, o, models,
                        bar::update);
            } finally {
                bar.close();
            }
        } else {
            int count = count(2000, 1_000_000);
            o = options(methods, trainSeed, extra, count, "5,10,18,35,50,100,200,500,1000",
                    "1e-2,1e-3,1e-4,1e-5");
            // training rows and held-out rows: fresh draws of a builtin set's law, else a fifth kept out
            Dataset train;
            Dataset heldA;
            List<Dataset> heldB = new ArrayList<>();
            GaussianMixture truth = null;
            String setName;
            if (table) {
                train = BuiltinData.load(data);
                setName = data.substring(BuiltinData.PREFIX.length());
                heldA = BuiltinData.fresh(data, count, 1);
                for (int s = 0; s < o.seeds(); s++) {
                    heldB.add(BuiltinData.fresh(data, count, 100 + s));
                }
                truth = BuiltinData.density(data);
            } else {
                Dataset all = loaded.table();
                setName = baseName(data);
                boolean[] held = Holdout.mask(all.count(), 0.2, trainSeed);
                train = Holdout.rows(all, held, false);
                Dataset out = Holdout.rows(all, held, true);
                if (out.count() < 2 * count) {
                    throw new InvalidInputException("--count: " + count + " samples need " + 2 * count + " held-out rows;"
                            + " a fifth of '" + data + "' is " + out.count() + StudyOptions.lowerCount(count));
                }
                heldA = slice(out, 0, count);
                // the floor's other half: one draw, the same for every seed
                for (int s = 0; s < o.seeds(); s++) {
                    heldB.add(slice(out, count, count));
                }
            }
            dir = outRoot.resolve(setName);
            Path models = DataFiles.createFolder(dir.resolve("models"), "--out");
            try {
                r = SamplingStudy.run(setName, new SamplingStudy.TrainingData(train, null),
                        new SamplingStudy.SlicedQuality(heldA, heldB), heldA, truth, o, models, bar::update);
            } finally {
                bar.close();
            }
        }
        ObjectNode json = SamplingReport.newJson();
        String command = StudyOptions.commandLine(spec);
        String md = SamplingReport.markdown(r, o, command, json);
        DataFiles.writeAtomically(dir.resolve("table.md"), out -> out.write(md.getBytes(StandardCharsets.UTF_8)));
        byte[] results = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        DataFiles.writeAtomically(dir.resolve("results.json"), out -> out.write(results));
        byte[] png = QualityPlot.png(r.cells(), r.floorMean(), r.data() + ": quality against evaluations (" + steps
                + " training steps)", r.quality().axis());
        DataFiles.writeAtomically(dir.resolve("quality.png"), out -> out.write(png));
        new Summary().put("data", data).put("dir", dir.toString()).put("floor", r.floorMean())
                .put("cells", r.cells().size()).put("ratios", json.path("ratios")).print();
    }

    private int count(int fallback, int max) {
        return count == null ? fallback : Check.range("--count", count, StudyOptions.MIN_COUNT, max);
    }

    private SamplingStudy.Options options(List<SamplingStudy.Method> methods, long trainSeed, JsonNode extra, int count,
            String ladderDefault, String tolDefault) {
        Check.range("--seeds", seeds, 1, 100);
        List<Integer> ladder = Check.integers("--nfe", nfe == null ? ladderDefault : nfe, 1, 100_000,
                "an evaluation count");
        List<Double> tolerances = new ArrayList<>();
        String tolText = this.tolerances == null ? tolDefault : this.tolerances;
        for (String t : tolText.isBlank() ? new String[0] : tolText.split(",", -1)) {
            Double parsed = Check.decimalNumber(t.trim());
            double v = parsed == null ? Double.NaN : parsed;
            if (!SolverLimits.tolerance(v)) {
                // the solver's own bound, here before the study trains (it was found once training ended)
                throw new InvalidInputException("--tolerances: '" + t + "' is not a tolerance in ["
                        + SolverLimits.MIN_TOLERANCE + ", 1)");
            }
            tolerances.add(v);
        }
        return new SamplingStudy.Options(methods, steps, trainSeed, extra, count, seeds, ladder, tolerances,
                Check.range("--quantise-bits", quantiseBits, 0, 16));
    }

    /**
     * The feature extractor of the image quality: --classifier, else one trained here (and kept in
     * models/) on the training images' labels, or for builtin:discs on their size (radius >= 3 large).
     */
    private ClassifierModel classifier(ImageSet train, Path models, ProgressBar bar) throws java.io.IOException {
        if (classifierOption.given()) {
            ClassifierModel c = classifierOption.read();
            c.checkTakes(train.channels(), train.height(), train.width(), "--classifier", "the data's");
            return c;
        }
        ImageSet labelled = train;
        if (data.equals(ImageFiles.DISCS)) {
            int[] labels = new int[train.count()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = ProceduralImages.measure(train.pixels(), i * train.dim(), train.width()).r() >= 3 ? 1 : 0;
            }
            labelled = new ImageSet(train.source(), train.pixels(), train.count(), train.channels(), train.height(),
                    train.width(), train.eightBit(), labels, train.sha256());
        }
        Files.createDirectories(models);
        Path file = models.resolve("classifier.bin");
        if (Files.isRegularFile(file)) {
            ClassifierModel old = ClassifierModel.read(Files.readAllBytes(file), file.toString());
            if (old.dataSha256().equals(train.sha256())) {
                return old;
            }
        }
        ClassifierModel c = ClassifierModel.train(labelled, CLASSIFIER_EPOCHS, 5,
                (epoch, f, loss) -> bar.update(0, "classifier epoch " + (epoch + 1)));
        byte[] bytes = c.toBytes();
        DataFiles.writeAtomically(file, out -> out.write(bytes));
        return c;
    }

    private static String baseName(String data) {
        return Path.of(data).getFileName().toString().replaceAll("\\.[^.]*$", "");
    }

    /** The images of {@code all} with {@code mask[i] == held}. */
    private static ImageSet imageRows(ImageSet all, boolean[] mask, boolean held) {
        int n = 0;
        for (boolean b : mask) {
            n += b == held ? 1 : 0;
        }
        float[] px = new float[n * all.dim()];
        int[] labels = all.labels() == null ? null : new int[n];
        int j = 0;
        for (int i = 0; i < all.count(); i++) {
            if (mask[i] == held) {
                System.arraycopy(all.pixels(), i * all.dim(), px, j * all.dim(), all.dim());
                if (labels != null) {
                    labels[j] = all.labels()[i];
                }
                j++;
            }
        }
        return new ImageSet(all.source(), px, n, all.channels(), all.height(), all.width(), all.eightBit(), labels,
                all.sha256() + (held ? ":held" : ":train"));
    }

    /** {@code n} images of {@code all} from {@code from}. */
    private static ImageSet imageRows(ImageSet all, int from, int n) {
        return new ImageSet(all.source(), Arrays.copyOfRange(all.pixels(), from * all.dim(), (from + n) * all.dim()), n,
                all.channels(), all.height(), all.width(), all.eightBit(), null, all.sha256() + ":" + from);
    }

    private static Dataset slice(Dataset d, int from, int n) {
        double[] v = Arrays.copyOfRange(d.values(), from * d.dim(), (from + n) * d.dim());
        return new Dataset(d.source(), v, n, d.dim(), d.sha256() + ":" + from);
    }
}
