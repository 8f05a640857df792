package dev.pfgm.launcher.cli;

import dev.pfgm.engine.data.ImageData;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageSet;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** ./pfgm nll: negative log-likelihood of each point, in nats in the data's units. */
public final class NllCommand implements Command {
    @Override
    public String name() {
        return "nll";
    }

    @Override
    public String summary() {
        return "negative log-likelihood of each point (nats, data units)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm nll --model MODEL --data FILE --out OUT.npy [--count N] [--exact | --hutchinson K]",
                "                  [--seed S] [--rtol R] [--atol A]",
                "  --count: only the first N points (an image costs about a second per point here)",
                "  divergence: exact by default for d <= " + Likelihood.EXACT_MAX_DIM
                        + ", else Hutchinson with 1 Rademacher probe",
                "  output: float32 [n, 1]; the summary's bits_per_dim is mean_nll_nats / (d ln 2)",
                "  image models: --data holds images of the model's shape; 8-bit images are uniformly",
                "  dequantised (seeded by --seed) and bits_per_dim = mean_nll / (d ln 2) + 7 (256 levels on [-1, 1])");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = Args.parse("nll", argv, Set.of("model", "data", "out", "count", "hutchinson", "seed", "rtol", "atol"),
                Set.of("exact"));
        Path modelPath = Path.of(a.required("model"));
        String dataSpec = a.required("data");
        Path out = a.output("out");
        if (a.flag("exact") && a.has("hutchinson")) {
            throw new InvalidInputException("nll: give --exact or --hutchinson K, not both");
        }
        int probes = a.integer("hutchinson", 1, 1, 1024);
        int count = a.integer("count", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        long seed = a.seed("seed", 0);
        double rtol = a.number("rtol", SolverSpec.DEFAULT_TOLERANCE, 0, 1);
        double atol = a.number("atol", SolverSpec.DEFAULT_TOLERANCE, 0, 1);
        PfgmModel model = ModelFile.read(modelPath, "--model");
        boolean eightBit = false;
        Dataset data;
        if (model.isImage()) {
            if (a.flag("exact")) {
                throw new InvalidInputException("--exact: image models give Hutchinson estimates only");
            }
            ImageSet images = ImageFiles.images(dataSpec, null, "--data", null);
            eightBit = images.eightBit();
            data = ImageData.dequantised(images, seed);
        } else {
            data = DataFiles.load(dataSpec, "--data");
        }
        model.checkDimension(data, "--data");
        Dataset points = count < data.count() ? data.head(count) : data;
        boolean exact = !model.isImage()
                && (a.flag("exact") || (!a.has("hutchinson") && Likelihood.defaultExact(points.dim())));

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
