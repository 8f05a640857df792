package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.nn.Adam;
import dev.pfgm.engine.nn.FieldNetwork;
import dev.pfgm.engine.nn.conv.UNet;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.sample.ChunkRunner;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.engine.train.ChunkedGradient;
import dev.pfgm.engine.train.ImageTrainer;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.ProceduralImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * ./pfgm bench-peer: the engine against PyTorch side by side, in one run on the same cores. For
 * each figure it times ours, then runs infra/bench/peer/torch_peer.py (the same network shapes,
 * training step, solver and NFE) as a child process, so both see the same machine minutes apart at most. Also the
 * machine's measured float32 matrix-product peak, and the network FLOP/s sampling achieves as a
 * share of it.
 */
@Command(name = "bench-peer",
        description = "time the U-Net and MLP (forward, training step, sampling) against PyTorch side by side;"
                + " update docs/benchmarks.md")
public final class PeerBenchCommand extends CliCommand {
    static final BenchSection SECTION = new BenchSection("peer-bench", "Side by side with PyTorch (`./pfgm bench-peer`)");
    private static final int GEMM = 1024;
    private static final int IMAGE_BATCH = Sampler.IMAGE_CHUNK;
    private static final int VECTOR_BATCH = Sampler.CHUNK;
    private static final int EDM_STEPS = 18;
    private static final int HEUN_STEPS = 50;

    @Option(names = "--python", paramLabel = "PYTHON",
            description = "an interpreter with PyTorch (default /usr/bin/python3: Debian's python3-torch)")
    String python = "/usr/bin/python3";

    @Option(names = "--image-model", paramLabel = "MODEL",
            description = "an image model to sample (default: a briefly trained one; fixed-step solvers do the same"
                    + " work whatever the weights)")
    Path imageModelPath;

    @Option(names = "--vector-model", paramLabel = "MODEL", description = "a table model to sample (default: likewise)")
    Path vectorModelPath;

    @Option(names = "--images", paramLabel = "N", description = "images sampled (default 512, at least 64 per core)")
    int images = 512;

    @Option(names = "--rows", paramLabel = "N", description = "rows sampled (default 65536)")
    int rows = 65_536;

    @Mixin
    BenchOutput output;

    @Override
    protected void run() throws Exception {
        output.check();
        // at least a chunk per core, or ours would leave a core idle while each PyTorch process has work
        Check.range("--images", images, IMAGE_BATCH * ChunkRunner.threads(), 1_000_000);
        Check.range("--rows", rows, VECTOR_BATCH, 100_000_000);
        Path script = script();
        Peer peer = new Peer(python, script);
        peer.check();
        int cores = ChunkRunner.threads();
        ProgressBar bar = new ProgressBar("bench-peer");
        List<String[]> table = new ArrayList<>();

        // the machine: a 1024^3 product on one thread, and one per core at once (how the engine uses cores)
        bar.update(0.02, "matrix product");
        double gemmFlop = 2.0 * GEMM * GEMM * GEMM;
        double oursGemm1 = gemmFlop / seconds(1, i -> gemm()) / 1e9;
        double oursGemmAll = cores * gemmFlop / seconds(cores, i -> gemm()) / 1e9;
        JsonNode tGemm1 = peer.run("gemm", "--size", GEMM, "--threads", 1);
        JsonNode tGemmAll = peer.run("gemm", "--size", GEMM, "--threads", cores);
        double torchGemm1 = gemmFlop / tGemm1.get("min").asDouble() / 1e9;
        double torchGemmAll = gemmFlop / tGemmAll.get("min").asDouble() / 1e9;
        double peak = Math.max(Math.max(oursGemm1, oursGemmAll), Math.max(torchGemm1, torchGemmAll));
        table.add(row("float32 matrix product, one thread", GEMM + "^3", gf(oursGemm1), gf(torchGemm1), oursGemm1 / torchGemm1));
        table.add(row("float32 matrix product, every core", GEMM + "^3; ours one product per core, PyTorch "
                + cores + " threads on one", gf(oursGemmAll), gf(torchGemmAll), oursGemmAll / torchGemmAll)); // rates: ours over theirs

        // the U-Net
        bar.update(0.1, "U-Net model");
        PfgmModel imageModel = imageModelPath != null ? ModelFile.read(imageModelPath, "--image-model")
                : briefImageModel();
        if (!imageModel.isImage()) {
            throw new InvalidInputException("--image-model: " + imageModelPath + " is not an image model");
        }
        UNet unet = (UNet) imageModel.newNetwork();
        double unetFlop = 2.0 * unet.convMultiplyAdds();
        String shape = "width " + imageModel.settings().unetWidth() + ", " + unet.spec().levels() + " levels, "
                + unet.parameterCount() + " weights";
        bar.update(0.15, "U-Net forward");
        Forward uf = forward(imageModel, IMAGE_BATCH, cores);
        JsonNode tuf1 = peer.run("unet-forward", "--batch", IMAGE_BATCH, "--threads", 1,
                "--width", imageModel.settings().unetWidth(), "--levels", unet.spec().levels());
        JsonNode tufAll = peer.run("unet-forward", "--batch", IMAGE_BATCH, "--threads", cores,
                "--width", imageModel.settings().unetWidth(), "--levels", unet.spec().levels());
        double torchUf1 = tuf1.get("median").asDouble();
        double torchUfAll = IMAGE_BATCH / tufAll.get("median").asDouble();
        table.add(row("U-Net forward, one thread", "28x28, batch " + IMAGE_BATCH + "; " + shape,
                msImg(uf.oneThreadSeconds, unetFlop * IMAGE_BATCH), msImg(torchUf1, unetFlop * IMAGE_BATCH),
                torchUf1 / uf.oneThreadSeconds));
        table.add(row("U-Net forward, every core", "images/s: ours a replica per core on " + IMAGE_BATCH
                + " images each, PyTorch " + cores + " threads on " + IMAGE_BATCH,
                perSecond(uf.rowsPerSecond, unetFlop), perSecond(torchUfAll, unetFlop), uf.rowsPerSecond / torchUfAll));
        bar.update(0.2, "U-Net training step");
        double oursUt = unetTrainingStep(unet, IMAGE_BATCH);
        Object[] unetTrain = {"unet-train", "--batch", IMAGE_BATCH, "--reps", 5, "--warm", 2,
            "--width", imageModel.settings().unetWidth(), "--levels", unet.spec().levels()};
        Best torchUt = Best.of(peer, unetTrain, cores);
        table.add(row("U-Net training step, every core", "28x28, batch " + IMAGE_BATCH + ": forward, backward, Adam;"
                + " ours in chunks of " + ChunkedGradient.CHUNK_ROWS + " over a replica per core, PyTorch's best of 1 and "
                + cores + " threads (" + torchUt.threads + ")", msImg(oursUt, 3 * unetFlop * IMAGE_BATCH),
                msImg(torchUt.seconds, 3 * unetFlop * IMAGE_BATCH), torchUt.seconds / oursUt));
        bar.update(0.3, "U-Net sampling");
        SolverSpec edm = new SolverSpec("edm", SolverSpec.DEFAULT_TOLERANCE, SolverSpec.DEFAULT_TOLERANCE, EDM_STEPS);
        Sampler imageSampler = new Sampler(imageModel);
        imageSampler.sample(IMAGE_BATCH * cores, 1, edm, f -> { });
        long t0 = System.nanoTime();
        Sampler.Result ir = imageSampler.sample(images, 2, edm, f -> bar.update(0.3 + 0.3 * f, "U-Net sampling"));
        double oursImgRate = images / ((System.nanoTime() - t0) / 1e9);
        // PyTorch's best of one process on every core and one single-threaded process per core
        Object[] sampleArgs = {"unet-sample", "--count", images, "--batch", IMAGE_BATCH, "--steps", EDM_STEPS,
                "--width", imageModel.settings().unetWidth(), "--levels", unet.spec().levels()};
        JsonNode tis = peer.run(with(sampleArgs, "--threads", cores));
        double threadsRate = tis.get("count").asDouble() / tis.get("min").asDouble();
        double processesRate = 0;
        for (JsonNode t : peer.runAtOnce(cores, with(with(sampleArgs, "--threads", 1), "--count",
                Math.max(IMAGE_BATCH, images / cores)))) {
            processesRate += t.get("count").asDouble() / t.get("min").asDouble();
        }
        double torchImgRate = Math.max(threadsRate, processesRate);
        String torchBest = processesRate > threadsRate ? cores + " processes of 1 thread" : "1 process of " + cores
                + " threads";
        table.add(row("image sampling, edm " + EDM_STEPS + " steps", String.format(Locale.ROOT,
                "%d images, NFE %.0f (PyTorch %d), chunks of %d on every core; PyTorch's best of %d threads (%.1f/s)"
                        + " and %d processes (%.1f/s)", images, ir.meanNfe(), tis.get("nfe").asInt(), IMAGE_BATCH, cores,
                threadsRate, cores, processesRate), perSecond(oursImgRate, unetFlop * ir.meanNfe()),
                perSecond(torchImgRate, unetFlop * tis.get("nfe").asDouble()) + " (" + torchBest + ")",
                oursImgRate / torchImgRate));
        double imgFlops = oursImgRate * ir.meanNfe() * unetFlop;

        // the MLP
        bar.update(0.65, "MLP model");
        PfgmModel vectorModel = vectorModelPath != null ? ModelFile.read(vectorModelPath, "--vector-model")
                : briefVectorModel();
        if (vectorModel.isImage()) {
            throw new InvalidInputException("--vector-model: " + vectorModelPath + " is an image model");
        }
        FieldNetwork mlp = (FieldNetwork) vectorModel.newNetwork();
        int[] widths = mlp.mlp().widths();
        double mlpFlop = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            mlpFlop += 2.0 * widths[l] * widths[l + 1];
        }
        int dim = vectorModel.dim();
        String mlpShape = "d = " + dim + ", " + vectorModel.settings().depth() + " x " + vectorModel.settings().hidden()
                + " SiLU";
        Forward mf = forward(vectorModel, VECTOR_BATCH, cores);
        JsonNode tmf = peer.run("mlp-forward", "--batch", VECTOR_BATCH, "--threads", 1, "--dim", dim,
                "--hidden", vectorModel.settings().hidden(), "--depth", vectorModel.settings().depth());
        double torchMf = tmf.get("median").asDouble();
        table.add(row("MLP forward, one thread", "batch " + VECTOR_BATCH + "; " + mlpShape,
                msImg(mf.oneThreadSeconds, mlpFlop * VECTOR_BATCH), msImg(torchMf, mlpFlop * VECTOR_BATCH),
                torchMf / mf.oneThreadSeconds));
        bar.update(0.7, "MLP training step");
        double oursMt = mlpTrainingStep((FieldNetwork) vectorModel.newNetwork(), VECTOR_BATCH);
        Best torchMt = Best.of(peer, new Object[] {"mlp-train", "--batch", VECTOR_BATCH, "--dim", dim, "--hidden",
            vectorModel.settings().hidden(), "--depth", vectorModel.settings().depth()}, cores);
        table.add(row("MLP training step", "batch " + VECTOR_BATCH + ": forward, backward, Adam; ours one thread (as"
                + " training runs it), PyTorch's best of 1 and " + cores + " threads (" + torchMt.threads + ")",
                msImg(oursMt, 3 * mlpFlop * VECTOR_BATCH), msImg(torchMt.seconds, 3 * mlpFlop * VECTOR_BATCH),
                torchMt.seconds / oursMt));
        bar.update(0.75, "MLP sampling");
        SolverSpec heun = new SolverSpec("heun", SolverSpec.DEFAULT_TOLERANCE, SolverSpec.DEFAULT_TOLERANCE, HEUN_STEPS);
        Sampler vectorSampler = new Sampler(vectorModel);
        vectorSampler.sample(VECTOR_BATCH * cores * 4, 1, heun, f -> { });
        t0 = System.nanoTime();
        Sampler.Result vr = vectorSampler.sample(rows, 2, heun, f -> bar.update(0.75 + 0.2 * f, "MLP sampling"));
        double oursRowRate = rows / ((System.nanoTime() - t0) / 1e9);
        double torchRowRate = 0;
        int torchNfe = 0;
        String torchBatch = "";
        for (int batch : new int[] {VECTOR_BATCH, 4096}) {
            for (int threads : new int[] {1, cores}) {
                JsonNode t = peer.run("mlp-sample", "--count", rows, "--batch", batch, "--steps", HEUN_STEPS,
                        "--threads", threads, "--dim", dim, "--hidden", vectorModel.settings().hidden(),
                        "--depth", vectorModel.settings().depth());
                double r = t.get("count").asDouble() / t.get("min").asDouble();
                if (r > torchRowRate) {
                    torchRowRate = r;
                    torchNfe = t.get("nfe").asInt();
                    torchBatch = "batch " + batch + ", " + threads + " thread" + (threads > 1 ? "s" : "");
                }
            }
        }
        table.add(row("vector sampling, heun " + HEUN_STEPS + " steps", String.format(Locale.ROOT,
                "%d rows, NFE %.0f (PyTorch %d, its best of batch 256/4096 x 1/%d threads: %s)", rows, vr.meanNfe(),
                torchNfe, cores, torchBatch), perSecond(oursRowRate, mlpFlop * vr.meanNfe()),
                perSecond(torchRowRate, mlpFlop * torchNfe), oursRowRate / torchRowRate));
        double rowFlops = oursRowRate * vr.meanNfe() * mlpFlop;
        bar.close();

        String md = markdown(table, peak, imgFlops, rowFlops, tGemm1.get("torch").asText());
        System.err.println(md);
        if (output.writes()) {
            SECTION.write(output.file(), md);
        }
        new Summary().put("gemm_peak_gflops", peak).put("image_sampling_ratio", oursImgRate / torchImgRate)
                .put("image_sampling_peak_share", imgFlops / (peak * 1e9))
                .put("unet_forward_ratio", torchUf1 / uf.oneThreadSeconds)
                .put("unet_training_step_ratio", torchUt.seconds / oursUt)
                .put("mlp_training_step_ratio", torchMt.seconds / oursMt)
                .put("vector_sampling_ratio", oursRowRate / torchRowRate)
                .put("vector_sampling_peak_share", rowFlops / (peak * 1e9)).print();
    }

    private String markdown(List<String[]> table, double peak, double imgFlops, double rowFlops,
                                   String torch) {
        StringBuilder sb = new StringBuilder();
        sb.append("Measured ").append(LocalDate.now(java.time.ZoneOffset.UTC)).append(" with `./pfgm bench-peer")
                .append(imageModelPath != null ? " --image-model " + imageModelPath : "")
                .append(vectorModelPath != null ? " --vector-model " + vectorModelPath : "")
                .append("` on ").append(BenchCommand.machine()).append("; PyTorch ").append(torch)
                .append(" (`infra/bench/peer/torch_peer.py`, run by the command between our timings).\n");
        sb.append("Ratio: our speed / PyTorch's (above 1: we are faster). FLOP counts are the networks' matrix and")
                .append(" convolution arithmetic (2 per multiply-add).\n\n");
        sb.append("| what | setting | ours | PyTorch | ratio |\n|---|---|---|---|---|\n");
        for (String[] r : table) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        sb.append(String.format(Locale.ROOT, "%nMachine peak (the best matrix-product figure above): %.0f GFLOP/s."
                + " Network arithmetic achieved while sampling: images %.0f GFLOP/s (%.0f%% of the peak),"
                + " vectors %.0f GFLOP/s (%.0f%%).%n", peak, imgFlops / 1e9, 100 * imgFlops / (peak * 1e9),
                rowFlops / 1e9, 100 * rowFlops / (peak * 1e9)));
        return SECTION.mark(sb.toString());
    }

    private static Object[] with(Object[] args, String flag, Object value) {
        Object[] out = java.util.Arrays.copyOf(args, args.length + 2);
        out[args.length] = flag;
        out[args.length + 1] = value;
        return out;
    }

    private static String[] row(String what, String setting, String ours, String torch, double ratio) {
        return new String[] {what, setting, ours, torch, String.format(Locale.ROOT, "%.2f", ratio)};
    }

    private static String gf(double gflops) {
        return String.format(Locale.ROOT, "%.0f GFLOP/s", gflops);
    }

    private static String msImg(double seconds, double flop) {
        return String.format(Locale.ROOT, "%.2f ms (%.0f GFLOP/s)", seconds * 1e3, flop / seconds / 1e9);
    }

    private static String perSecond(double rate, double flopEach) {
        return String.format(Locale.ROOT, "%,.1f/s (%.0f GFLOP/s)", rate, rate * flopEach / 1e9);
    }

    /** The fastest of 7 runs of {@code threads} threads at once, each its own work (a 1024^3 product). */
    private static double seconds(int threads, IntFunction<Runnable> work) throws InterruptedException {
        Runnable[] jobs = new Runnable[threads];
        for (int i = 0; i < threads; i++) {
            jobs[i] = work.apply(i);
        }
        return runsAtOnce(jobs, 2, 7)[0];
    }

    /** Seconds of {@code reps} timed runs (after {@code warm} untimed) of the jobs on a thread each at once, sorted. */
    private static double[] runsAtOnce(Runnable[] jobs, int warm, int reps) throws InterruptedException {
        double[] t = new double[reps];
        for (int rep = -warm; rep < reps; rep++) {
            long t0 = System.nanoTime();
            parallel(jobs);
            if (rep >= 0) {
                t[rep] = (System.nanoTime() - t0) / 1e9;
            }
        }
        java.util.Arrays.sort(t);
        return t;
    }

    private static Runnable gemm() {
        INDArray x = Nd4j.rand(DataType.FLOAT, GEMM, GEMM);
        INDArray y = Nd4j.rand(DataType.FLOAT, GEMM, GEMM);
        INDArray z = Nd4j.create(DataType.FLOAT, GEMM, GEMM);
        return () -> x.mmuli(y, z);
    }

    private static void parallel(Runnable[] jobs) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(jobs.length);
        for (Runnable j : jobs) {
            Thread t = new Thread(() -> {
                try {
                    j.run();
                } finally {
                    done.countDown();
                }
            });
            t.start();
        }
        done.await();
    }

    private record Forward(double oneThreadSeconds, double rowsPerSecond) {
    }

    /** One forward of {@code batch} rows on one thread (median), then a replica per core at once (rows/s). */
    private static Forward forward(PfgmModel model, int batch, int cores) throws InterruptedException {
        int dim = model.dim();
        SeedPlan r = SeedPlan.of(3);
        double[] x = new double[batch * dim];
        double[] s = new double[batch];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        for (int i = 0; i < batch; i++) {
            s[i] = Math.exp(2 * r.nextGaussian());
        }
        int inner = model.isImage() ? 1 : 20;
        ChargeMean one = model.newNetwork();
        double[] m = new double[x.length];
        double oneThread = BenchCommand.time(9, inner, () -> one.chargeMean(x, s, batch, m))[1] / 1e3;
        Runnable[] jobs = new Runnable[cores];
        for (int c = 0; c < cores; c++) {
            ChargeMean net = model.newNetwork();
            double[] out = new double[x.length];
            jobs[c] = () -> {
                for (int k = 0; k < 4 * inner; k++) {
                    net.chargeMean(x, s, batch, out);
                }
            };
        }
        double median = runsAtOnce(jobs, 1, 5)[2];
        return new Forward(oneThread, cores * 4.0 * inner * batch / median);
    }

    /**
     * Median seconds of a U-Net training step as ImageTrainer takes it (ImageBenchCommand's timing):
     * the batch in chunks over a replica per core, forward, backward, then Adam.
     */
    private static double unetTrainingStep(UNet net, int batch) {
        return ImageBenchCommand.timeTrainingEvaluation(net, ImageBenchCommand.TrainingBatch.of(batch, net.dim(), 4))[1]
                / 1e3;
    }

    /** Median seconds of a training step of the field MLP as Trainer takes it: forward, the loss, backward, Adam. */
    private static double mlpTrainingStep(FieldNetwork net, int batch) {
        int dim = net.dim();
        SeedPlan r = SeedPlan.of(5);
        double[] x = new double[batch * dim];
        double[] clean = new double[batch * dim];
        double[] s = new double[batch];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
            clean[i] = r.nextGaussian();
        }
        for (int i = 0; i < batch; i++) {
            s[i] = Math.exp(2 * r.nextGaussian());
        }
        double[] m = new double[x.length];
        double[] dm = new double[x.length];
        float[] params = net.mlp().parameters();
        float[] grad = new float[params.length];
        Adam adam = new Adam(params.length, 0.9, 0.999, 1e-8);
        return BenchCommand.time(9, 20, () -> {
            net.chargeMean(x, s, batch, m);
            net.denoisingLoss(m, clean, batch, dm);
            net.backward(dm, grad);
            adam.update(params, grad, 1e-4, 1.0);
            net.mlp().commit();
        })[1] / 1e3;
    }

    /** PyTorch's faster median of one thread and of every core, and which it was. */
    private record Best(double seconds, String threads) {
        static Best of(Peer peer, Object[] args, int cores) throws IOException, InterruptedException {
            double one = peer.run(with(args, "--threads", 1)).get("median").asDouble();
            double all = peer.run(with(args, "--threads", cores)).get("median").asDouble();
            return one <= all ? new Best(one, "1 thread") : new Best(all, cores + " threads");
        }
    }

    private static PfgmModel briefImageModel() throws IOException {
        TrainSettings s = TrainSettings.imageDefaults().with(new ObjectMapper().readTree(
                "{\"steps\": 20, \"aug_dim\": 128, \"checkpoint_every\": 0, \"preview_every\": 0}"), "bench-peer");
        return ImageTrainer.train(ProceduralImages.discs(512, 28, 3.0, 7.0, 1), s, null, (st, total, loss) -> { });
    }

    private static PfgmModel briefVectorModel() throws IOException {
        TrainSettings s = TrainSettings.defaults().with(new ObjectMapper().readTree("{\"steps\": 200}"), "bench-peer");
        return Trainer.train(BuiltinData.load("builtin:moons"), s, (st, total, loss) -> { });
    }

    /** The harness beside the launcher's working directory (the repository root, as ./pfgm runs it). */
    private static Path script() {
        Path p = Path.of("infra", "bench", "peer", "torch_peer.py");
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException("bench-peer: " + p + " not found (run ./pfgm from the repository root)");
        }
        return p;
    }

    /** torch_peer.py as a child process: one JSON line per run. */
    private record Peer(String python, Path script) {
        void check() throws IOException, InterruptedException {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new InvalidInputException("--python: " + python + " cannot import torch (install python3-torch): "
                        + out.lines().reduce((x, y) -> y).orElse(""));
            }
        }

        JsonNode run(Object... args) throws IOException, InterruptedException {
            return runAtOnce(1, args).get(0);
        }

        /** {@code copies} processes started together; their results. */
        List<JsonNode> runAtOnce(int copies, Object... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
            for (Object o : args) {
                cmd.add(String.valueOf(o));
            }
            List<Process> running = new ArrayList<>();
            for (int i = 0; i < copies; i++) {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
                // the launcher's OMP_NUM_THREADS=1 is for the engine; the peer sets its threads itself
                pb.environment().remove("OMP_NUM_THREADS");
                pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
                running.add(pb.start());
            }
            List<JsonNode> results = new ArrayList<>();
            for (Process p : running) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.waitFor() != 0) {
                    throw new InvalidInputException("bench-peer: " + String.join(" ", cmd) + " failed");
                }
                results.add(new ObjectMapper().readTree(out.lines().reduce((x, y) -> y).orElse("{}")));
            }
            return results;
        }
    }
}
