package dev.pfgm.engine.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.model.ImageMeta;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.Provenance;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.nn.conv.UNet;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.train.TrainListener;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.Dataset;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bulk synthesis cuts a run into shards at arbitrary rows: a range of rows must equal, bit for
 * bit, the same rows of one run from 0, and the log density integrated while sampling must be the
 * density the likelihood computes for the sample, without changing the sample.
 */
class RowRangeTest {
    static PfgmModel moons;

    @BeforeAll
    static void train() throws Exception {
        Dataset data = BuiltinData.load("builtin:moons").head(4000);
        // PFGM, whose solver error the bounds below were measured on: a 300-step PFGM++ model (the
        // tables' default) has single samples whose forward ODE differs by 0.3 nats, its flow near
        // z_min being ill-conditioned at such a budget (docs/likelihood.md, "Small data")
        TrainSettings s = TrainSettings.defaults().with(new ObjectMapper().readTree("{\"aug_dim\": 1, \"steps\": 300,"
                + " \"hidden\": 32, \"batch\": 128, \"large_batch\": 1024, \"warmup\": 50}"), "test");
        moons = Trainer.train(data, s, TrainListener.NONE);
    }

    @Test
    void rangesOfAVectorRunEqualTheWholeRun() {
        SolverSpec heun = new SolverSpec("heun", 1e-4, 1e-4, 8);
        SolverSpec rk45 = new SolverSpec("rk45", 1e-3, 1e-3, 1);
        for (SolverSpec spec : new SolverSpec[] {heun, rk45}) {
            Sampler sampler = new Sampler(moons);
            Sampler.Result whole = sampler.sample(0, 700, 9, spec, null, null, Progress.NONE);
            // boundaries inside chunks (256 rows), a range inside one chunk, and one crossing two
            int[][] cuts = {{0, 100}, {100, 300}, {300, 513}, {513, 700}, {260, 270}};
            for (int[] c : cuts) {
                Sampler.Result part = sampler.sample(c[0], c[1] - c[0], 9, spec, null, null, Progress.NONE);
                assertArrayEquals(Arrays.copyOfRange(whole.samples(), 2 * c[0], 2 * c[1]), part.samples(),
                        spec.name() + " rows " + c[0] + ".." + c[1]);
            }
        }
    }

    /** Chunks have a fixed shape and their own rows, so one thread or two give the same bits. */
    @Test
    void samplesAndLikelihoodsDoNotDependOnTheThreadCount() {
        SolverSpec rk45 = new SolverSpec("rk45", 1e-3, 1e-3, 1);
        Dataset points = BuiltinData.load("builtin:moons").head(600);
        Sampler.Result[] samples = new Sampler.Result[2];
        Likelihood.Result[] exact = new Likelihood.Result[2];
        Likelihood.Result[] hutchinson = new Likelihood.Result[2];
        try {
            for (int threads = 1; threads <= 2; threads++) {
                System.setProperty("pfgm.threads", Integer.toString(threads));
                assertEquals(threads, ChunkRunner.threads());
                samples[threads - 1] = new Sampler(moons).sample(0, 700, 4, rk45, null, new Sampler.Density(0),
                        Progress.NONE);
                exact[threads - 1] = new Likelihood(moons).nll(points, 0, 4, 1e-4, 1e-4, Progress.NONE);
                hutchinson[threads - 1] = new Likelihood(moons).nll(points, 2, 4, 1e-4, 1e-4, Progress.NONE);
            }
        } finally {
            System.clearProperty("pfgm.threads");
        }
        assertArrayEquals(samples[0].samples(), samples[1].samples(), "samples");
        assertArrayEquals(samples[0].logDensity(), samples[1].logDensity(), "log densities while sampling");
        assertArrayEquals(exact[0].values(), exact[1].values(), "exact likelihoods");
        assertArrayEquals(hutchinson[0].values(), hutchinson[1].values(), "Hutchinson likelihoods");
    }

    @Test
    void rangesOfAGuidedImageRunEqualTheWholeRun() {
        UNet net = new UNet(new dev.pfgm.engine.nn.conv.UNetSpec(1, 8, 8, 8, 1, 3, 3), 0.5);
        net.initialise(SeedPlan.of(11));
        TrainSettings s = TrainSettings.imageDefaults().with(intJson("{\"unet_width\": 8, \"unet_levels\": 1,"
                + " \"frequencies\": 3}"), "test").resolveImages(64, 4.0);
        ImageMeta im = new ImageMeta(1, 8, 8, 0.5, false, 4.0, new int[] {5, 3, 2});
        double[] mean = new double[64];
        double[] std = new double[64];
        Arrays.fill(std, 1);
        PfgmModel model = new PfgmModel(s, new dev.pfgm.engine.data.Standardizer(mean, std, 4.0), net.parameters().clone(),
                Provenance.capture("test", "x", 1, 64, s, 0, 0, 0, 0), new float[0], im);
        Sampler sampler = new Sampler(model, new Guidance(Guidance.DRAWN, 2));
        SolverSpec edm = new SolverSpec("edm", 1e-4, 1e-4, 3);
        Sampler.Result whole = sampler.sample(0, 150, 4, edm, null, null, Progress.NONE);
        Sampler.Result part = sampler.sample(70, 50, 4, edm, null, null, Progress.NONE);
        assertArrayEquals(Arrays.copyOfRange(whole.samples(), 70 * 64, 120 * 64), part.samples());
        assertArrayEquals(Arrays.copyOfRange(whole.labels(), 70, 120), part.labels());
        // explicit labels replace the drawn ones, row by row
        int[] fixed = new int[50];
        Arrays.fill(fixed, 1);
        Sampler.Result ones = sampler.sample(70, 50, 4, edm, fixed, null, Progress.NONE);
        assertArrayEquals(fixed, ones.labels());
        int[] mixed = Arrays.copyOfRange(whole.labels(), 70, 120);
        Sampler.Result same = sampler.sample(70, 50, 4, edm, mixed, null, Progress.NONE);
        assertArrayEquals(part.samples(), same.samples());

        // the guided flow's density: three network passes per evaluation, and the sample unchanged
        Sampler.Result withDensity = sampler.sample(70, 50, 4, edm, null, new Sampler.Density(1), Progress.NONE);
        assertArrayEquals(part.samples(), withDensity.samples());
        for (double v : withDensity.logDensity()) {
            assertTrue(Double.isFinite(v), "log density " + v);
        }
    }

    @Test
    void densityWhileSamplingIsTheLikelihoodOfTheSample() {
        Sampler sampler = new Sampler(moons);
        SolverSpec rk45 = new SolverSpec("rk45", 1e-5, 1e-5, 1);
        Sampler.Result plain = sampler.sample(40, 300, 2, rk45, null, null, Progress.NONE);
        Sampler.Result dense = sampler.sample(40, 300, 2, rk45, null, new Sampler.Density(0), Progress.NONE);
        assertArrayEquals(plain.samples(), dense.samples(), "the density rides along: same points");
        assertEquals(plain.meanNfe(), dense.meanNfe());
        // the likelihood runs the same ODE forward from each sample: the same density up to solver error
        double[] x = new double[plain.samples().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = plain.samples()[i];
        }
        Likelihood.Result nll = new Likelihood(moons).nll(new Dataset("samples", x, 300, 2, "s"), 0, 2, 1e-5, 1e-5,
                Progress.NONE);
        double[] diff = new double[300];
        double mean = 0;
        for (int i = 0; i < 300; i++) {
            diff[i] = Math.abs(dense.logDensity()[i] + nll.values()[i]);
            mean += dense.logDensity()[i] / 300;
        }
        // solver error only (measured: median 0.0016, 90th percentile 0.010, largest 0.057 nats); a
        // wrong sign or a missing standardisation term would be off by nats
        assertQuantiles(diff, 0.005, 0.03, 0.2);
        assertTrue(mean > -3 && mean < 3, "moons densities in data units: mean log p " + mean);

        // fixed steps: the same, in z
        SolverSpec heun = new SolverSpec("heun", 1e-4, 1e-4, 60);
        Sampler.Result h = sampler.sample(0, 100, 2, heun, null, null, Progress.NONE);
        Sampler.Result hd = sampler.sample(0, 100, 2, heun, null, new Sampler.Density(0), Progress.NONE);
        assertArrayEquals(h.samples(), hd.samples());
        double[] hx = new double[200];
        for (int i = 0; i < 200; i++) {
            hx[i] = h.samples()[i];
        }
        Likelihood.Result hn = new Likelihood(moons).nll(new Dataset("s", hx, 100, 2, "s"), 0, 2, 1e-5, 1e-5,
                Progress.NONE);
        double[] hdiff = new double[100];
        for (int i = 0; i < 100; i++) {
            hdiff[i] = Math.abs(hd.logDensity()[i] + hn.values()[i]);
        }
        assertQuantiles(hdiff, 0.05, 0.15, 0.5);
        // Hutchinson with many probes estimates the same integral
        Sampler.Result hutch = sampler.sample(40, 300, 2, rk45, null, new Sampler.Density(16), Progress.NONE);
        double bias = 0;
        for (int i = 0; i < 300; i++) {
            bias += (hutch.logDensity()[i] - dense.logDensity()[i]) / 300;
        }
        assertTrue(Math.abs(bias) < 0.05, "Hutchinson's mean error " + bias);
    }

    /** The median, 90th percentile and largest value of {@code v} are below the three bounds. */
    private static void assertQuantiles(double[] v, double median, double p90, double max) {
        double[] d = v.clone();
        Arrays.sort(d);
        String got = "median " + d[d.length / 2] + ", 90th percentile " + d[d.length * 9 / 10] + ", largest "
                + d[d.length - 1];
        System.out.println("density differences: " + got);
        assertTrue(d[d.length / 2] < median && d[d.length * 9 / 10] < p90 && d[d.length - 1] < max, got);
    }

    private static com.fasterxml.jackson.databind.JsonNode intJson(String s) {
        try {
            return new ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
