package dev.pfgm.launcher.cli;

import dev.pfgm.engine.data.ImageData;
import dev.pfgm.engine.model.ImageMeta;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * ./pfgm interpolate: encodes two images to the latent plane z = z_max, walks between the latents
 * along {@link LatentPath} (direction by slerp, norm linearly), decodes every point and writes
 * the strip as a PNG.
 */
@Command(name = "interpolate", description = "encode two images, interpolate in the latent space, decode a PNG strip",
        footer = {"The decoded endpoints reproduce the inputs up to solver tolerance. The path keeps the latent's",
            "norm in the prior's typical range: the direction moves on the great circle (slerp), the norm",
            "linearly."})
public final class InterpolateCommand extends CliCommand {
    @Mixin
    ModelOption modelFile;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "images of the model's shape (any image format train accepts)")
    String dataSpec;

    @Option(names = "--from", required = true, paramLabel = "I", description = "the first image's 0-based index")
    int from;

    @Option(names = "--to", required = true, paramLabel = "J", description = "the last image's 0-based index")
    int to;

    @Option(names = "--steps", required = true, paramLabel = "K",
            description = "images in the strip, 2..1000, endpoints included")
    int steps;

    @Option(names = "--out", required = true, paramLabel = "STRIP.png", description = "the strip")
    Path outPath;

    @Option(names = "--solver", paramLabel = "NAME", description = "rk45 (default), heun, euler or edm")
    String solver;

    @Mixin
    ToleranceOptions tolerances;

    @Option(names = "--ode-steps", paramLabel = "N",
            description = "steps of the fixed-step solvers each way (default " + SolverSpec.DEFAULT_STEPS + ")")
    Integer odeSteps;

    @Override
    protected void run() throws Exception {
        Check.range("--from", from, 0, Integer.MAX_VALUE);
        Check.range("--to", to, 0, Integer.MAX_VALUE);
        Check.range("--steps", steps, 2, 1000);
        Path out = Check.output("--out", outPath, ".png");
        SolverSpec spec = SolverOptions.spec(solver, tolerances, odeSteps, "--ode-steps");
        PfgmModel model = modelFile.readImage("interpolate needs an image model");
        ImageSet images = ImageFiles.images(dataSpec, null, "--data", null);
        model.checkImages(images, "--data");
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
