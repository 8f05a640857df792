package dev.pfgm.launcher.cli;

import dev.pfgm.engine.data.ImageData;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageSet;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** ./pfgm nll: the negative log-likelihood of each point under a model. */
@Command(name = "nll", description = "negative log-likelihood of each point (nats, data units)",
        footer = {"Writes float32 [n, 1]; the summary's bits_per_dim is mean_nll_nats / (d ln 2). The divergence",
            "is exact by default for d <= " + Likelihood.EXACT_MAX_DIM + ", else Hutchinson's estimate with one"
                + " Rademacher probe. Image models:",
            "--data holds images of the model's shape; 8-bit images are uniformly dequantised (seeded by",
            "--seed) and bits_per_dim = mean_nll / (d ln 2) + 7 (256 levels on [-1, 1])."})
public final class NllCommand extends CliCommand {
    @Mixin
    ModelOption modelFile;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "the points (or images)")
    String dataSpec;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "each point's NLL in nats")
    Path outPath;

    @Option(names = "--count", paramLabel = "N",
            description = "only the first N points (an image costs about a second per point here)")
    int count = Integer.MAX_VALUE;

    @Option(names = "--exact", description = "the exact divergence (tables)")
    boolean exactAsked;

    @Option(names = "--hutchinson", paramLabel = "K", description = "Hutchinson's estimate with K probes, 1..1024")
    Integer hutchinson;

    @Mixin
    SeedOption seed;

    @Mixin
    ToleranceOptions tolerances;

    @Override
    protected void run() throws Exception {
        Path out = Check.output("--out", outPath, ".npy");
        if (exactAsked && hutchinson != null) {
            throw new InvalidInputException("nll: give --exact or --hutchinson K, not both");
        }
        int probes = hutchinson == null ? 1 : Check.range("--hutchinson", hutchinson, 1, 1024);
        Check.range("--count", count, 1, Integer.MAX_VALUE);
        long seed = this.seed.value();
        double rtol = tolerances.rtol();
        double atol = tolerances.atol();
        PfgmModel model = modelFile.read();
        boolean eightBit = false;
        Dataset data;
        if (model.isImage()) {
            if (exactAsked) {
                throw new InvalidInputException("--exact: image models give Hutchinson estimates only");
            }
            ImageSet images = ImageFiles.images(dataSpec, null, "--data", null);
            model.checkImages(images, "--data");
            eightBit = images.eightBit();
            data = ImageData.dequantised(images, seed);
        } else {
            data = DataFiles.load(dataSpec, "--data");
        }
        model.checkDimension(data, "--data");
        Dataset points = count < data.count() ? data.head(count) : data;
        boolean exact = !model.isImage()
                && (exactAsked || (hutchinson == null && Likelihood.defaultExact(points.dim())));

        ProgressBar bar = new ProgressBar("nll");
        long t0 = System.nanoTime();
        Likelihood.Result r;
        try {
            r = new Likelihood(model).nll(points, exact ? 0 : probes, seed, rtol, atol,
                    f -> bar.update(f, String.format(Locale.ROOT, "%d points", points.count())));
        } finally {
            bar.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        float[] values = new float[r.values().length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) r.values()[i];
        }
        DataFiles.writeNpy(out, values, values.length, 1);
        double mean = r.mean();
        new Summary().put("count", points.count()).put("mean_nll_nats", mean)
                .put("bits_per_dim", ImageData.bitsPerDim(mean, points.dim(), eightBit)).put("dequantised", eightBit)
                .put("nfe", r.meanNfe())
                .put("estimator", exact ? "exact" : "hutchinson").put("probes", exact ? 0 : probes)
                .put("seconds", TrainCommand.round(seconds)).put("points_per_second", points.count() / seconds)
                .put("out", out.toString()).print();
    }
}
