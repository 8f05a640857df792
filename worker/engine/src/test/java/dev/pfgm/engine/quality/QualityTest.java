package dev.pfgm.engine.quality;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.eval.SampleStats;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.sample.FlowMap;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.engine.train.TrainListener;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine issue's quality bar, with the default settings as shipped: models trained on data
 * with a known density must produce samples and likelihoods close to the truth. Each test trains
 * one model (under a minute on two cores) and prints its figures; docs/defaults.md has them.
 */
@Tag("slow")
class QualityTest {
    private static final int TRAIN_POINTS = 20_000;
    private static final int SAMPLES = 5_000;
    private static final int HELD_OUT = 2_000;

    @TempDir
    Path dir;

    private static Dataset dataset(String name, double[] values, int dim) {
        return new Dataset(name, values, values.length / dim, dim, name);
    }

    private static void report(String what, Object... figures) {
        StringBuilder sb = new StringBuilder("quality " + what + ":");
        for (int i = 0; i < figures.length; i += 2) {
            sb.append(' ').append(figures[i]).append('=');
            Object v = figures[i + 1];
            sb.append(v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : v);
        }
        System.out.println(sb);
    }

    @Test
    void twoDimensionalMixture() {
        PfgmModel model = checkMixture("2-D mixture", GaussianMixture.twoD());
        // encode then decode at default tolerances: median error below 0.01 in data units
        GaussianMixture g = GaussianMixture.twoD();
        Dataset points = dataset("roundtrip", g.sample(500, 3), 2);
        FlowMap map = new FlowMap(model);
        float[] latent = map.encode(points, SolverSpec.defaults(), Progress.NONE).samples();
        Dataset z = dataset("latent", toDouble(latent), 2);
        float[] back = map.decode(z, SolverSpec.defaults(), Progress.NONE).samples();
        double[] err = new double[points.count()];
        for (int i = 0; i < err.length; i++) {
            err[i] = Math.hypot(back[2 * i] - points.values()[2 * i], back[2 * i + 1] - points.values()[2 * i + 1]);
        }
        Arrays.sort(err);
        double median = err[err.length / 2];
        report("2-D round trip", "median_error", median, "p90_error", err[err.length * 9 / 10]);
        assertTrue(median < 0.01, "round-trip median error " + median);
    }

    @Test
    void sixDimensionalMixture() {
        checkMixture("6-D mixture", GaussianMixture.sixD());
    }

    private PfgmModel checkMixture(String name, GaussianMixture g) {
        int dim = g.dim;
        long t0 = System.nanoTime();
        PfgmModel model = Trainer.train(dataset(name, g.sample(TRAIN_POINTS, 1), dim), TrainSettings.defaults(),
                TrainListener.NONE);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        Sampler.Result r = new Sampler(model).sample(SAMPLES, 7, SolverSpec.defaults(), Progress.NONE);
        double[] s = toDouble(r.samples());
        double[] truth = g.sample(SAMPLES, 10);
        // the engine's own metric (SynthesisReport's), over more directions for a steadier figure
        double sw = SampleStats.slicedWasserstein(s, SAMPLES, truth, SAMPLES, dim, 500, 5);
        double floor = SampleStats.slicedWasserstein(truth, SAMPLES, g.sample(SAMPLES, 11), SAMPLES, dim, 500, 5);

        // components' shares, each sample given to its most likely component
        double[] share = new double[g.weights.length];
        double[] logp = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            double[] l = g.componentLogDensities(s, i * dim);
            int best = 0;
            for (int c = 1; c < l.length; c++) {
                best = l[c] > l[best] ? c : best;
            }
            share[best] += 1.0 / SAMPLES;
            logp[i] = g.logDensity(s, i * dim);
        }
        double tv = 0;
        for (int c = 0; c < share.length; c++) {
            tv += 0.5 * Math.abs(share[c] - g.weights[c]);
        }
        // the density level that 99.9% of true samples exceed
        int big = 100_000;
        double[] ref = g.sample(big, 12);
        double[] refLogp = new double[big];
        for (int i = 0; i < big; i++) {
            refLogp[i] = g.logDensity(ref, i * dim);
        }
        Arrays.sort(refLogp);
        double level = refLogp[big / 1000];
        double low = Arrays.stream(logp).filter(v -> v < level).count() / (double) SAMPLES;

        Dataset heldOut = dataset("held-out", g.sample(HELD_OUT, 2), dim);
        double nll = new Likelihood(model).nll(heldOut, 0, 0, 1e-4, 1e-4, Progress.NONE).mean();
        double trueNll = 0;
        for (int i = 0; i < HELD_OUT; i++) {
            trueNll -= g.logDensity(heldOut.values(), i * dim) / HELD_OUT;
        }
        report(name, "train_seconds", trainSeconds, "sliced_w1", sw, "sliced_w1_between_true_sets", floor,
                "component_tv", tv, "low_density_share", low, "nll", nll, "true_nll", trueNll, "nfe", r.meanNfe());
        assertTrue(sw <= 0.08, name + ": sliced W1 " + sw);
        assertTrue(sw <= 3 * floor, name + ": sliced W1 " + sw + " is over 3x that of two true sets, " + floor);
        assertTrue(tv <= 0.05, name + ": component TV " + tv);
        assertTrue(low <= 0.02, name + ": share of samples in low-density regions " + low);
        assertTrue(Math.abs(nll - trueNll) <= 0.15, name + ": NLL " + nll + " vs true " + trueNll);
        return model;
    }

    /** Uniform on the 8 dark squares of a 4x4 board on [-2, 2]^2. */
    private static double[] checkerboard(int n, long seed) {
        SeedPlan r = SeedPlan.of(seed);
        double[] v = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double x = 4 * r.nextDouble() - 2;
            v[2 * i] = x;
            v[2 * i + 1] = r.nextDouble() - 2 * r.nextInt(2) + Math.floorMod((long) Math.floor(x), 2);
        }
        return v;
    }

    private static boolean onBoard(double x, double y) {
        return Math.abs(x) <= 2 && Math.abs(y) <= 2 && Math.floorMod((long) (Math.floor(x) + Math.floor(y)), 2) == 0;
    }

    @Test
    void checkerboardFromCsv() throws IOException {
        double[] v = checkerboard(TRAIN_POINTS, 1);
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < TRAIN_POINTS; i++) {
            csv.append(String.format(Locale.ROOT, "%.6f,%.6f%n", v[2 * i], v[2 * i + 1]));
        }
        Path file = dir.resolve("checkerboard.csv");
        Files.writeString(file, csv);
        Dataset data = DataFiles.load(file.toString(), "--data");
        long t0 = System.nanoTime();
        PfgmModel model = Trainer.train(data, TrainSettings.defaults(), TrainListener.NONE);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        float[] s = new Sampler(model).sample(SAMPLES, 7, SolverSpec.defaults(), Progress.NONE).samples();
        int inside = 0;
        for (int i = 0; i < SAMPLES; i++) {
            inside += onBoard(s[2 * i], s[2 * i + 1]) ? 1 : 0;
        }
        double share = inside / (double) SAMPLES;
        Dataset heldOut = dataset("held-out", checkerboard(HELD_OUT, 2), 2);
        double nll = new Likelihood(model).nll(heldOut, 0, 0, 1e-4, 1e-4, Progress.NONE).mean();
        double trueNll = Math.log(8);
        report("checkerboard", "train_seconds", trainSeconds, "share_in_support", share, "nll", nll, "true_nll",
                trueNll);
        assertTrue(share >= 0.95, "share of samples where the density is non-zero: " + share);
        assertTrue(Math.abs(nll - trueNll) <= 0.3, "NLL " + nll + " vs true " + trueNll);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
