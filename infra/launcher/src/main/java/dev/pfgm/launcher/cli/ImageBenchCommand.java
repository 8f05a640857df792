package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.nn.Adam;
import dev.pfgm.engine.nn.conv.UNet;
import dev.pfgm.engine.nn.conv.UNetSpec;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.sample.ChunkRunner;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.engine.train.ChunkedGradient;
import dev.pfgm.engine.train.ImageTrainer;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.data.ProceduralImages;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * ./pfgm bench-images: the U-Net's speed at the default image size (28x28, batch 64, width 32):
 * one training evaluation (forward, backward, Adam), a forward pass, whole training steps
 * (batches, field targets and all), and sampling with RK45 (its NFE per image) and with EDM's
 * 18-step Heun (35 NFE), from a given model (a trained one gives the NFE that matters) or from a
 * briefly trained one.
 */
@Command(name = "bench-images",
        description = "time the image U-Net (train step, forward, sampling); update docs/benchmarks.md")
public final class ImageBenchCommand extends CliCommand {
    static final BenchSection SECTION = new BenchSection("image-bench", "Images (`./pfgm bench-images`)");
    /** The reference: PyTorch, CPU, 2 threads, a small conv net at 28x28, batch 64, forward + backward. */
    private static final double TORCH_STEP_MS = 130;
    /** EDM's sampler at the step count PFGM++ uses (35 network evaluations). */
    private static final int EDM_STEPS = 18;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "an image model to time sampling with (default: 300 steps on procedural 28x28 discs)")
    Path modelPath;

    @Mixin
    BenchOutput output;

    @Option(names = "--count", paramLabel = "N", description = "images sampled, 1..100,000 (default 128)")
    int count = 128;

    @Override
    protected void run() throws Exception {
        output.check();
        Check.range("--count", count, 1, 100_000);
        // read first: a missing or table model was found after minutes of timing
        PfgmModel given = modelPath == null ? null : ModelFile.read(modelPath, "--model");
        if (given != null && !given.isImage()) {
            throw new dev.pfgm.shared.InvalidInputException("--model: '" + modelPath + "' is a vector model;"
                    + " bench-images times image models");
        }
        ProgressBar bar = new ProgressBar("bench-images");
        TrainSettings defaults = TrainSettings.imageDefaults();
        int width = defaults.unetWidth();
        UNet net = unet(width, defaults.unetLevels());
        // the reference net has one down and one up path over 32-64 channels: our U-Net with one level
        UNet small = unet(32, 1);
        int batch = defaults.batch();
        TrainingBatch in = TrainingBatch.of(batch, net.dim(), 2);
        double[] m = new double[batch * net.dim()];
        double[] step = timeTrainingEvaluation(net, in);
        double[] smallStep = timeTrainingEvaluation(small, in);
        bar.update(0.2, "train step");
        double[] fwd = BenchCommand.time(9, 3, () -> net.chargeMean(in.x(), in.z(), batch, m));
        bar.update(0.3, "forward");

        ImageSet discs = ProceduralImages.discs(2000, 28, 3.0, 7.0, 1);
        int steps = 300;
        int warm = 50;
        long[] mark = new long[2];
        TrainSettings s = defaults.with(new ObjectMapper().createObjectNode().put("steps", steps)
                .put("checkpoint_every", 0).put("preview_every", 0), "bench");
        PfgmModel quick = ImageTrainer.train(discs, s, null, (st, total, loss) -> {
            if (st == warm) {
                mark[0] = System.nanoTime();
            }
            if (st == total) {
                mark[1] = System.nanoTime();
            }
            bar.update(0.3 + 0.3 * st / total, "training on discs");
        });
        double perStep = (mark[1] - mark[0]) / 1e9 / (steps - warm);
        PfgmModel model = given != null ? given : quick;
        Sampler sampler = new Sampler(model);
        long t0 = System.nanoTime();
        Sampler.Result res = sampler.sample(count, 3, SolverSpec.defaults(), f -> bar.update(0.6 + 0.3 * f, "rk45"));
        double rate = count / ((System.nanoTime() - t0) / 1e9);
        SolverSpec edm = new SolverSpec("edm", SolverSpec.DEFAULT_TOLERANCE, SolverSpec.DEFAULT_TOLERANCE, EDM_STEPS);
        t0 = System.nanoTime();
        Sampler.Result edmRes = sampler.sample(count, 3, edm, f -> bar.update(0.9 + 0.1 * f, "edm"));
        double edmRate = count / ((System.nanoTime() - t0) / 1e9);
        bar.close();

        String source = modelPath != null ? "model " + modelPath.getFileName() + " ("
                + model.image().shape() + ", width " + model.settings().unetWidth() + ")"
                : "300 steps on 28x28 discs";
        StringBuilder sb = new StringBuilder();
        sb.append("Measured ").append(LocalDate.now(java.time.ZoneOffset.UTC)).append(" with `./pfgm bench-images")
                .append(modelPath != null ? " --model " + modelPath : "").append("` on ")
                .append(BenchCommand.machine()).append(".\n");
        sb.append("U-Net width ").append(width).append(", ").append(defaults.unetLevels()).append(" levels, ")
                .append(net.parameterCount()).append(" weights. The PyTorch reference is the issue's (a smaller conv net").append(
                        " of the same kind, forward + backward); ratio = PyTorch time / ours. Training evaluations")
                .append(" run as training does: the batch in chunks of ").append(ChunkedGradient.CHUNK_ROWS)
                .append(" rows over ").append(ChunkRunner.threads()).append(" network replicas (one per core).\n\n");
        sb.append("| what | setting | ours | PyTorch (2 threads) | ratio |\n|---|---|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| U-Net training evaluation (forward, backward, Adam) | 28x28, batch %d | %s | %.0f ms | %.2f |%n",
                batch, BenchCommand.ms(step), TORCH_STEP_MS, TORCH_STEP_MS / step[1]));
        sb.append(String.format(Locale.ROOT, "| U-Net training evaluation, reference-shaped (width 32, 1 level: 32-64 channels) | 28x28, batch %d | %s | %.0f ms | %.2f |%n",
                batch, BenchCommand.ms(smallStep), TORCH_STEP_MS, TORCH_STEP_MS / smallStep[1]));
        sb.append(String.format(Locale.ROOT, "| U-Net forward | 28x28, batch %d | %s |  |  |%n", batch, BenchCommand.ms(fwd)));
        sb.append(String.format(Locale.ROOT, "| image training, whole steps | batch %d, %d charges, N = 784 | %.2f steps/s (%.0f ms/step) |  |  |%n",
                batch, s.largeBatch(), 1 / perStep, perStep * 1000));
        sb.append(String.format(Locale.ROOT, "| sample, rk45 rtol = atol = 1e-4 | %s, %d images | %.2f images/s, mean NFE %.1f |  |  |%n",
                source, count, rate, res.meanNfe()));
        sb.append(String.format(Locale.ROOT, "| sample, edm (Heun, %d steps) | %s, %d images | %.2f images/s, NFE %.0f |  |  |%n",
                EDM_STEPS, source, count, edmRate, edmRes.meanNfe()));
        sb.append(String.format(Locale.ROOT, "%nConvolution arithmetic per training evaluation (forward, then input and weight gradients: 3 x 2 x"
                + " multiply-adds x batch): %.1f GFLOP at width %d, i.e. %.0f GFLOP/s over the whole evaluation; %.1f GFLOP"
                + " for the reference-shaped net, %.0f GFLOP/s.%n", gflop(net, batch), width,
                gflop(net, batch) / step[1] * 1000, gflop(small, batch), gflop(small, batch) / smallStep[1] * 1000));
        String marked = SECTION.mark(sb.toString());
        System.err.println(marked);
        if (output.writes()) {
            SECTION.write(output.file(), marked);
        }
        new Summary().put("unet_step_ms", step[1]).put("reference_shaped_step_ms", smallStep[1])
                .put("unet_step_gflop", gflop(net, batch)).put("unet_forward_ms", fwd[1]).put("train_steps_per_second", 1 / perStep)
                .put("sample_images_per_second", rate).put("sample_nfe", res.meanNfe())
                .put("edm_images_per_second", edmRate).put("edm_nfe", edmRes.meanNfe())
                .put("torch_step_ratio", TORCH_STEP_MS / step[1])
                .put("reference_shaped_torch_ratio", TORCH_STEP_MS / smallStep[1]).print();
    }

    /**
     * Milliseconds (min, median) of forward, backward and an Adam update as a training step runs
     * them: the batch in chunks over one network replica per core.
     */
    static double[] timeTrainingEvaluation(UNet net, TrainingBatch in) {
        float[] grad = new float[net.parameterCount()];
        Adam adam = new Adam(grad.length, 0.9, 0.999, 1e-8);
        int batch = in.z().length;
        try (ChunkedGradient chunked = new ChunkedGradient(net, batch, ChunkRunner.threads())) {
            return BenchCommand.time(9, 3, () -> {
                chunked.lossAndGradient(in.x(), in.z(), in.target(), batch, 5.0, grad);
                adam.update(net.parameters(), grad, 1e-4, 1.0);
                chunked.commit();
            });
        }
    }

    /**
     * A seeded training batch of {@code batch} rows of {@code dim} values: points, heights z (log-normal)
     * and PFGM targets of dim + 1 values. The timings do not depend on the values, only on the shapes.
     */
    record TrainingBatch(double[] x, double[] z, double[] target) {
        static TrainingBatch of(int batch, int dim, long seed) {
            SeedPlan r = SeedPlan.of(seed);
            double[] x = new double[batch * dim];
            double[] target = new double[batch * (dim + 1)];
            double[] z = new double[batch];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextGaussian() * 0.5;
            }
            for (int i = 0; i < target.length; i++) {
                target[i] = r.nextGaussian();
            }
            for (int i = 0; i < batch; i++) {
                z[i] = Math.exp(2 * r.nextGaussian());
            }
            return new TrainingBatch(x, z, target);
        }
    }

    /** A 28x28 U-Net with fixed initial weights. */
    private static UNet unet(int width, int levels) {
        UNet net = new UNet(new UNetSpec(1, 28, 28, width, levels, TrainSettings.imageDefaults().frequencies()), 0.8);
        net.initialise(SeedPlan.of(1));
        return net;
    }

    private static double gflop(UNet net, int batch) {
        return 6.0 * net.convMultiplyAdds() * batch / 1e9;
    }
}
