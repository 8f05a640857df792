package dev.pfgm.launcher.cli;

import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.engine.eval.EvalReport;
import dev.pfgm.engine.eval.Evaluation;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.Guidance;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageSet;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** ./pfgm eval: the model's samples beside held-out real images and a Gaussian baseline. */
@Command(name = "eval", description = "evaluate an image model: Frechet distance, confidence, class TV, bits/dim",
        footer = {"Columns: the model's N samples, the first N held-out TEST images (the floor), and N samples of a",
            "full-covariance Gaussian fitted to TRAIN. Rows: Frechet distance of the classifier's 128 features to",
            "those of up to 10,000 TRAIN images; share of images classified with confidence >= 0.8; total",
            "variation between predicted-class histograms (vs TRAIN's); NLL in bits/dim on the first K TEST",
            "images; then, per predicted class: each column's share of images given the class, and the share of",
            "those classified with confidence >= 0.8. Without --classifier only bits/dim is computed. The last",
            "stdout line is JSON. Class-conditional models: each sample's class is drawn from the training",
            "labels' shares and guided with W; an extra row gives the share the classifier assigns the class",
            "asked for (per class in the last column); bits/dim is the model's without a label."})
public final class EvalCommand extends CliCommand {
    @Mixin
    ModelOption modelFile;

    @Option(names = "--data", required = true, paramLabel = "TEST", description = "held-out images")
    String testSpec;

    @Mixin
    ClassifierOption classifierOption;

    @Option(names = "--train", paramLabel = "TRAIN",
            description = "the training images (default: the model's training data, as recorded in the model file)")
    String trainOption;

    @Option(names = "--count", paramLabel = "N", description = "samples and images per column, 2..1,000,000 (default 1000)")
    int count = 1000;

    @Option(names = "--nll-count", paramLabel = "K", description = "TEST images for bits/dim, 0 skips (default 200)")
    int nllCount = 200;

    @Mixin
    SeedOption seed;

    @Mixin
    SolverOptions solver;

    @Mixin
    GuidanceOptions guidanceOptions;

    @Override
    protected void run() throws Exception {
        Check.range("--count", count, 2, 1_000_000);
        Check.range("--nll-count", nllCount, 0, 1_000_000);
        long seed = this.seed.value();
        SolverSpec spec = solver.spec();
        PfgmModel model = modelFile.readImage("eval is for image models");
        Guidance guidance = guidanceOptions.forModel(model, null);
        ClassifierModel classifier = classifierOption.read();
        String trainSpec = trainOption != null ? trainOption : model.provenance().dataSource();
        ImageSet test = ImageFiles.images(testSpec, null, "--data", null);
        ImageSet train = ImageFiles.images(trainSpec, null, trainOption != null ? "--train" : "--train (from the model file)",
                null);
        if (trainOption == null && ModelOption.notTrainedOn(model, new ImageFiles.Loaded(null, train, null))) {
            throw new InvalidInputException("--train: " + ModelOption.notTrainedOnMessage(model, "--train"));
        }
        ProgressBar bar = new ProgressBar("eval");
        long t0 = System.nanoTime();
        Evaluation.Result r;
        try {
            r = Evaluation.run(model, guidance, test, train, classifier, count, nllCount, seed, spec,
                    f -> bar.update(f, f < 0.6 ? "sampling " + count : f < 0.95 ? "likelihood" : "scoring"));
        } finally {
            bar.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%-34s %12s %12s %12s%n", "", "model", "held-out real", "gaussian");
        line("Frechet distance (classifier features)", r.model().frechet(), r.real().frechet(), r.gaussian().frechet());
        line("share with confidence >= 0.8", r.model().confident(), r.real().confident(), r.gaussian().confident());
        line("class histogram TV", r.model().classTv(), r.real().classTv(), r.gaussian().classTv());
        line("NLL bits/dim", r.model().bitsPerDim(), r.real().bitsPerDim(), r.gaussian().bitsPerDim());
        if (!Double.isNaN(r.onClass())) {
            line("share given the class asked for", r.onClass(), Double.NaN, Double.NaN);
        }
        perClass(r);
        Summary s = new Summary();
        s.node().setAll(EvalReport.json(r));
        s.put("seconds", TrainCommand.round(seconds));
        if (guidance != null) {
            GuidanceOptions.describe(s, guidance);
        }
        if (classifier != null) {
            s.put("classifier_accuracy", classifier.accuracy())
                    .put("frechet_ratio", r.model().frechet() / r.gaussian().frechet());
        }
        s.print();
    }

    /** Where the samples fall short: how often each class is drawn and how often it is drawn clearly. */
    private static void perClass(Evaluation.Result r) {
        int classes = r.model().classShare().length;
        if (classes == 0) {
            return;
        }
        boolean asked = r.onClassByClass().length == classes;
        System.out.printf(Locale.ROOT, "%n%-34s %25s %25s %25s%s%n", "per predicted class: share, confident",
                "model", "held-out real", "gaussian", asked ? "   asked for: given it" : "");
        for (int k = 0; k < classes; k++) {
            System.out.printf(Locale.ROOT, "%-34s %25s %25s %25s%s%n", "class " + k, pair(r.model(), k),
                    pair(r.real(), k), pair(r.gaussian(), k), asked ? String.format(Locale.ROOT, " %21s",
                            fmt(r.onClassByClass()[k])) : "");
        }
    }

    private static String pair(Evaluation.Row row, int k) {
        return String.format(Locale.ROOT, "%.3f  %s", row.classShare()[k],
                Double.isNaN(row.classConfident()[k]) ? "-" : String.format(Locale.ROOT, "%.2f", row.classConfident()[k]));
    }

    private static void line(String what, double m, double real, double g) {
        System.out.printf(Locale.ROOT, "%-34s %12s %12s %12s%n", what, fmt(m), fmt(real), fmt(g));
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4g", v);
    }
}
