package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.field.EmpiricalField;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.nn.Adam;
import dev.pfgm.engine.nn.Mlp;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * ./pfgm bench: times the engine's hot paths and compares them with PyTorch's figures on this
 * machine class (from the engine issue), then writes the table into docs/benchmarks.md between
 * its markers.
 */
@Command(name = "bench", description = "time training, sampling, likelihood and the hot kernels; update docs/benchmarks.md")
public final class BenchCommand extends CliCommand {
    static final BenchSection SECTION = new BenchSection("engine-bench", "Engine (`./pfgm bench`)");

    /** PyTorch 1.13, CPU, 2 threads, on this machine class (engine issue, nd4j-notes.md). */
    private static final double TORCH_TRAIN_MS = 3.0;
    private static final double TORCH_EVAL_MS = 2.5;
    private static final double TORCH_FIELD_MS = 5.5;

    @Mixin
    BenchOutput output;

    @Option(names = "--quick", description = "fewer repetitions (a smoke run, not for the record)")
    boolean quick;

    private record Row(String what, String setting, String figure, String reference, String ratio) {
    }

    @Override
    protected void run() throws Exception {
        output.check();
        int reps = quick ? 3 : 15;
        List<Row> rows = new ArrayList<>();
        ProgressBar bar = new ProgressBar("bench");

        // 1-2. the reference network: 3 -> 4 x 256 -> 3
        Mlp ref = new Mlp(3, 256, 256, 256, 256, 3);
        ref.initialise(SeedPlan.of(1));
        float[] in256 = random(256 * 3, 2);
        float[] dOut = random(256 * 3, 3);
        float[] grad = new float[ref.parameterCount()];
        Adam adam = new Adam(ref.parameterCount(), 0.9, 0.999, 1e-8);
        double[] step = time(reps, 40, () -> {
            ref.forward(in256, 256);
            ref.backward(256, dOut, grad);
            adam.update(ref.parameters(), grad, 1e-4, 1.0);
            ref.commit();
        });
        rows.add(new Row("MLP 3-4x256-3, Adam step", "batch 256", ms(step), TORCH_TRAIN_MS + " ms",
                ratio(TORCH_TRAIN_MS, step[1])));
        bar.update(0.15, "reference MLP");
        float[] in1024 = random(1024 * 3, 4);
        double[] eval = time(reps, 40, () -> ref.forward(in1024, 1024));
        rows.add(new Row("MLP 3-4x256-3, forward", "batch 1024", ms(eval), TORCH_EVAL_MS + " ms",
                ratio(TORCH_EVAL_MS, eval[1])));
        bar.update(0.25, "reference MLP");

        // 3. the empirical field at image size
        int n = 784;
        EmpiricalField field = new EmpiricalField(n, 5.0);
        double[] charges = gaussian(2048 * n, 5);
        double[] queries = gaussian(128 * n, 6);
        double[] z = new double[128];
        Arrays.fill(z, 1.0);
        double[] mu = new double[128 * n];
        double[] f = time(reps, 5, () -> field.chargeMeans(queries, z, 128, charges, 2048, mu));
        rows.add(new Row("empirical field", "128 queries x 2048 charges, N = 784", ms(f), TORCH_FIELD_MS + " ms",
                ratio(TORCH_FIELD_MS, f[1])));
        bar.update(0.4, "field");

        // 4. whole training steps of PFGM (D = 1: its empirical field is the costly step, and the
        // figures in docs/benchmarks.md are of it) with the default network on a 2-D set
        Dataset moons = BuiltinData.load("builtin:moons");
        TrainSettings s = TrainSettings.defaults().with(new ObjectMapper().readTree(
                "{\"aug_dim\": 1, \"steps\": " + (quick ? 600 : 3000) + "}"), "bench");
        long[] mark = new long[2];
        int warm = quick ? 100 : 500;
        PfgmModel model = Trainer.train(moons, s, (st, total, loss) -> {
            if (st == warm) {
                mark[0] = System.nanoTime();
            }
            if (st == total) {
                mark[1] = System.nanoTime();
            }
        });
        double perStep = (mark[1] - mark[0]) / 1e6 / (s.steps() - warm);
        TrainSettings d = model.settings();
        rows.add(new Row("train, default network (" + d.depth() + "x" + d.hidden() + ")",
                "batch " + d.batch() + ", " + d.largeBatch() + " charges, N = 2",
                String.format(Locale.ROOT, "%.0f steps/s (%.2f ms/step)", 1000 / perStep, perStep), "", ""));
        bar.update(0.7, "training");

        // 5. sampling at a fixed NFE and with RK45, 6. likelihood
        int count = quick ? 512 : 4096;
        Sampler sampler = new Sampler(model);
        sampler.sample(256, 0, new SolverSpec("heun", 1e-4, 1e-4, 50), Progress.NONE);
        long t0 = System.nanoTime();
        Sampler.Result heun = sampler.sample(count, 1, new SolverSpec("heun", 1e-4, 1e-4, 50), Progress.NONE);
        double heunRate = count / ((System.nanoTime() - t0) / 1e9);
        rows.add(new Row("sample, heun K = 50", "NFE " + Math.round(heun.meanNfe()) + ", " + count + " samples",
                String.format(Locale.ROOT, "%.0f samples/s", heunRate), "", ""));
        t0 = System.nanoTime();
        Sampler.Result rk = sampler.sample(count, 1, SolverSpec.defaults(), Progress.NONE);
        double rkRate = count / ((System.nanoTime() - t0) / 1e9);
        rows.add(new Row("sample, rk45 rtol = atol = 1e-4", String.format(Locale.ROOT, "mean NFE %.1f, %d samples",
                rk.meanNfe(), count), String.format(Locale.ROOT, "%.0f samples/s", rkRate), "", ""));
        bar.update(0.85, "sampling");
        Dataset points = moons.head(quick ? 256 : 2048);
        t0 = System.nanoTime();
        Likelihood.Result nll = new Likelihood(model).nll(points, 0, 0, 1e-4, 1e-4, Progress.NONE);
        double nllRate = points.count() / ((System.nanoTime() - t0) / 1e9);
        rows.add(new Row("nll, exact divergence, rk45 1e-4", String.format(Locale.ROOT, "mean NFE %.1f, %d points",
                nll.meanNfe(), points.count()), String.format(Locale.ROOT, "%.0f points/s", nllRate), "", ""));
        bar.update(1, "done");

        String table = markdown(rows, quick);
        System.err.println(table);
        if (output.writes()) {
            SECTION.write(output.file(), table);
        }
        Summary out = new Summary().put("train_steps_per_second", 1000 / perStep)
                .put("sample_heun50_per_second", heunRate).put("sample_rk45_per_second", rkRate)
                .put("nll_points_per_second", nllRate).put("mlp_step_ms", step[1]).put("mlp_eval_ms", eval[1])
                .put("field_ms", f[1]).put("mlp_step_ratio", TORCH_TRAIN_MS / step[1])
                .put("mlp_eval_ratio", TORCH_EVAL_MS / eval[1]).put("field_ratio", TORCH_FIELD_MS / f[1]);
        out.print();
    }

    private static String markdown(List<Row> rows, boolean quick) {
        StringBuilder sb = new StringBuilder();
        sb.append("Measured ").append(LocalDate.now(java.time.ZoneOffset.UTC)).append(" with `./pfgm bench").append(quick ? " --quick" : "")
                .append("` on ").append(machine()).append(".\n");
        sb.append("Timings are min / median over repetitions; ratio = PyTorch time / ours (above 1: we are faster).\n\n");
        sb.append("| what | setting | ours | PyTorch (2 threads) | ratio |\n|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.what).append(" | ").append(r.setting).append(" | ").append(r.figure).append(" | ")
                    .append(r.reference).append(" | ").append(r.ratio).append(" |\n");
        }
        return SECTION.mark(sb.toString());
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux: keep "unknown CPU"
        }
        return String.format(Locale.ROOT, "%s, %d cores, %d GiB heap limit, Java %s, ND4J %s (OMP_NUM_THREADS=%s)",
                cpu, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 30,
                System.getProperty("java.version"), Nd4j.getBackend().getClass().getSimpleName(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
    }

    static double[] time(int reps, int inner, Runnable r) {
        for (int i = 0; i < inner * 2; i++) {
            r.run();
        }
        double[] t = new double[reps];
        for (int k = 0; k < reps; k++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) {
                r.run();
            }
            t[k] = (System.nanoTime() - t0) / 1e6 / inner;
        }
        Arrays.sort(t);
        return new double[] {t[0], t[reps / 2]};
    }

    static String ms(double[] t) {
        return String.format(Locale.ROOT, "%.2f / %.2f ms", t[0], t[1]);
    }

    private static String ratio(double reference, double ours) {
        return String.format(Locale.ROOT, "%.2f", reference / ours);
    }

    private static float[] random(int n, long seed) {
        SeedPlan r = SeedPlan.of(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static double[] gaussian(int n, long seed) {
        SeedPlan r = SeedPlan.of(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }
}
