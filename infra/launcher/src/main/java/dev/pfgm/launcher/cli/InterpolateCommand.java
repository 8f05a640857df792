package dev.pfgm.launcher.cli;

import dev.pfgm.engine.data.ImageData;
import dev.pfgm.engine.model.ImageMeta;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.FlowMap;
import dev.pfgm.engine.sample.LatentPath;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageGrid;
import dev.pfgm.shared.data.ImageSet;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * ./pfgm interpolate: encodes two images to the latent plane z = z_max, walks between the latents
 * along {@link LatentPath} (direction by slerp, norm linearly), decodes every point and writes
 * the strip as a PNG.
 */
public final class InterpolateCommand implements Command {
    @Override
    public String name() {
        return "interpolate";
    }

    @Override
    public String summary() {
        return "encode two images, interpolate in the latent space, decode a PNG strip";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm interpolate --model MODEL --data FILE --from I --to J --steps K --out STRIP.png",
                "                          [--solver rk45|heun|euler|edm] [--rtol R] [--atol A] [--ode-steps N]",
                "  FILE: images of the model's shape (any image format train accepts); I, J: 0-based indices",
                "  K >= 2 images in the strip, endpoints included (the decoded endpoints reproduce the inputs",
                "  up to solver tolerance). The path keeps the latent's norm in the prior's typical range:",
                "  the direction moves on the great circle (slerp), the norm linearly.",
                "  N: steps of the fixed-step solvers each way (default " + SolverSpec.DEFAULT_STEPS + "; --steps is the strip's K).");
    }

    @Override
    public void run(String[] argv) throws Exception {
        Args a = Args.parse("interpolate", argv, SampleCommand.union(Set.of("model", "data", "from", "to", "out", "ode-steps"),
                SampleCommand.SOLVER_OPTIONS), Set.of());
        Path modelPath = Path.of(a.required("model"));
        String dataSpec = a.required("data");
        a.required("from");
        a.required("to");
        a.required("steps");
        int from = a.integer("from", 0, 0, Integer.MAX_VALUE);
        int to = a.integer("to", 0, 0, Integer.MAX_VALUE);
        int steps = a.integer("steps", 10, 2, 1000);
        Path out = a.output("out");
        SolverSpec spec = new SolverSpec(a.string("solver", "rk45"), a.number("rtol", SolverSpec.DEFAULT_TOLERANCE, 0, 1),
                a.number("atol", SolverSpec.DEFAULT_TOLERANCE, 0, 1), a.integer("ode-steps", SolverSpec.DEFAULT_STEPS, 1, 100_000));
        PfgmModel model = ModelFile.read(modelPath, "--model");
        if (!model.isImage()) {
            throw new InvalidInputException("--model: '" + modelPath + "' is a vector model; interpolate needs an image model");
        }
        ImageSet images = ImageFiles.images(dataSpec, null, "--data", null);
        for (String[] f : new String[][] {{"from", String.valueOf(from)}, {"to", String.valueOf(to)}}) {
            if (Integer.parseInt(f[1]) >= images.count()) {
                throw new InvalidInputException("--" + f[0] + ": " + f[1] + " is not an image index; '" + dataSpec
                        + "' holds " + images.count() + " (0.." + (images.count() - 1) + ")");
            }
        }
        Dataset all = ImageData.points(images);
        model.checkDimension(all, "--data");
        int dim = all.dim();
        double[] pair = new double[2 * dim];
        System.arraycopy(all.values(), from * dim, pair, 0, dim);
        System.arraycopy(all.values(), to * dim, pair, dim, dim);
        Dataset ends = new Dataset(all.source(), pair, 2, dim, all.sha256());

        ProgressBar bar = new ProgressBar("interpolate");
        long t0 = System.nanoTime();
        Sampler.Result latents;
        Sampler.Result decoded;
        try {
            FlowMap flow = new FlowMap(model);
            latents = flow.encode(ends, spec, f -> bar.update(0.3 * f, "encoding 2 images"));
            double[] path = LatentPath.between(latents.samples(), dim, steps);
            decoded = flow.decode(new Dataset("latent path", path, steps, dim, ""), spec,
                    f -> bar.update(0.3 + 0.7 * f, String.format(Locale.ROOT, "decoding %d latents", steps)));
        } finally {
            bar.close();
        }
        double roundTrip = 0;
        for (int k = 0; k < dim; k++) {
            roundTrip = Math.max(roundTrip, Math.abs(decoded.samples()[k] - pair[k]));
            roundTrip = Math.max(roundTrip, Math.abs(decoded.samples()[(steps - 1) * dim + k] - pair[dim + k]));
        }
        ImageMeta im = model.image();
        byte[] png = ImageGrid.png(decoded.samples(), steps, im.channels(), im.height(), im.width(), steps,
                ImageGrid.displayScale(im.height()));
        DataFiles.writeAtomically(out, o -> o.write(png));
        double seconds = (System.nanoTime() - t0) / 1e9;
        new Summary().put("from", from).put("to", to).put("steps", steps)
                .put("latent_norms", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                        .add(LatentPath.norm(latents.samples(), 0, dim)).add(LatentPath.norm(latents.samples(), dim, dim)))
                .put("endpoint_max_abs_error", roundTrip).put("nfe", latents.meanNfe() + decoded.meanNfe())
                .put("seconds", TrainCommand.round(seconds)).put("out", out.toString()).print();
    }
}
