package dev.pfgm.launcher.cli;

import dev.pfgm.engine.model.ImageMeta;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.Guidance;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.ImageGrid;
import dev.pfgm.synthesis.PartLayout;
import dev.pfgm.synthesis.TableCsv;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** ./pfgm sample: draws new points from a model. */
@Command(name = "sample", description = "draw samples from a model into a .npy or .csv file",
        footer = {"Writes float32 [N, d] in the data's units ([N, c, h, w] on a [-1, 1] scale, not clipped, for image",
            "models) to .npy, or, for table models, CSV with the training data's column names (and a label column",
            "for a class-conditional model) to .csv; other extensions are refused. Sample i depends only on",
            "(model, seed, i, solver). rk45 is adaptive; heun and euler take K steps in z on a grid uniform in",
            "ln z; edm is heun on EDM's grid, uniform in z^(1/7) (PFGM++: K = 18). Diffusion models (aug_dim",
            "\"inf\") also take the stochastic samplers of their reverse SDE on EDM's grid: euler-maruyama (K",
            "evaluations) and edm-churn (EDM's Algorithm 2, 2K - 1), and euler-maruyama-geometric (K",
            "evaluations on a grid uniform in ln sigma, as Song et al.'s VE SDE). --class, --guidance and",
            "--guidance-interval are for class-conditional models (trained with --labels or --label-column)."})
public final class SampleCommand extends CliCommand {
    @Mixin
    ModelOption modelFile;

    @Option(names = "--count", required = true, paramLabel = "N", description = "samples to draw, 1..100,000,000")
    int count;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy|OUT.csv", description = "the samples")
    Path outPath;

    @Mixin
    SeedOption seed;

    @Option(names = "--grid", paramLabel = "PNG",
            description = "image models: also a PNG grid of the first min(N, 100) samples, 10 per row")
    Path gridPath;

    @Mixin
    SolverOptions solver;

    @Option(names = "--class", paramLabel = "C|cycle",
            description = "every sample of class C (cycle: sample i of class i mod classes; default: each drawn"
                    + " from the training labels' shares)")
    String label;

    @Mixin
    GuidanceOptions guidanceOptions;

    @Override
    protected void run() throws Exception {
        Check.range("--count", count, 1, 100_000_000);
        Path out = Check.output("--out", outPath);
        String ext = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = ext.endsWith(".csv");
        if (!csv && !ext.endsWith(".npy")) {
            throw new InvalidInputException("--out: '" + out + "' must end in .npy or .csv (for Parquet or PNG files"
                    + " use ./pfgm synthesize --format)");
        }
        long seed = this.seed.value();
        SolverSpec spec = solver.spec();
        Path grid = gridPath == null ? null : Check.output("--grid", gridPath, ".png");
        PfgmModel model = modelFile.read();
        if (csv && model.isImage()) {
            throw new InvalidInputException("--out: '" + modelFile.path + "' is an image model; its samples go to .npy (or"
                    + " PNG files with ./pfgm synthesize --format png-tar), not CSV");
        }
        if (grid != null && !model.isImage()) {
            throw new InvalidInputException("--grid: '" + modelFile.path + "' is a vector model; grids are for image models");
        }

        Guidance guidance = guidanceOptions.forModel(model, label);
        ProgressBar bar = new ProgressBar("sample");
        long t0 = System.nanoTime();
        Sampler.Result r;
        // drawn at once: the priors of 10^8 rows take half a minute before the first chunk reports
        bar.update(0, String.format(Locale.ROOT, "%d samples", count));
        try {
            r = new Sampler(model, guidance).sample(count, seed, spec,
                    f -> bar.update(f, String.format(Locale.ROOT, "%d samples", count)));
        } finally {
            bar.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (model.isImage()) {
            ImageMeta im = model.image();
            DataFiles.writeNpy(out, r.samples(), new long[] {count, im.channels(), im.height(), im.width()});
        } else if (csv) {
            // the training data's column names, and each sample's class for a class-conditional model
            List<String> columns = PartLayout.of(model).columns();
            DataFiles.writeAtomically(out, o -> TableCsv.write(o, columns, r.samples(), r.count(), r.labels(), null));
        } else {
            DataFiles.writeNpy(out, r.samples(), r.count(), r.dim());
        }
        if (grid != null) {
            ImageMeta im = model.image();
            byte[] png = ImageGrid.samples(r.samples(), count, im.channels(), im.height(), im.width());
            DataFiles.writeAtomically(grid, o -> o.write(png));
        }
        Summary summary = new Summary().put("count", count).put("dim", r.dim()).put("nfe", r.meanNfe())
                .put("seconds", TrainCommand.round(seconds)).put("samples_per_second", count / seconds)
                .put("solver", spec.name()).put("seed", seed).put("out", out.toString());
        if (grid != null) {
            summary.put("grid", grid.toString());
        }
        if (guidance != null) {
            GuidanceOptions.describe(summary, guidance);
            summary.put("class_counts", classCounts(r.labels(), model.classes()));
        }
        summary.print();
    }

    /** Samples per class, as a JSON array (it was the text "[0, 0, 5]", which a reader had to parse again). */
    static com.fasterxml.jackson.databind.node.ArrayNode classCounts(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int l : labels) {
            counts[l]++;
        }
        var array = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (int c : counts) {
            array.add(c);
        }
        return array;
    }
}
