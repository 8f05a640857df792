package dev.pfgm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.engine.eval.FeatureStats;
import dev.pfgm.engine.eval.SampleStats;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.data.ProceduralImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./pfgm bench-sampling on a tiny budget: every output is written, and its figures are what they
 * say (a cell's quality and the floor recomputed here from the saved model and the same draws).
 */
@Tag("slow")
class SamplingBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTinyStudyWritesItsReportAndItsFiguresRecompute(@TempDir Path dir) throws Exception {
        String[] args = {"bench-sampling", "--data", "builtin:mixture6", "--steps", "150", "--methods",
            "pfgm,pfgmpp:64,diffusion", "--out", dir.toString(), "--count", "100", "--seeds", "3", "--nfe", "4,12",
            "--tolerances", "1e-2", "--quantise-bits", "8"};
        CliTest.Run run = CliTest.run(args);
        assertEquals(0, run.code(), run.err());
        Path out = dir.resolve("mixture6");
        JsonNode r = JSON.readTree(Files.readAllBytes(out.resolve("results.json")));
        // per method: euler, heun, edm at 2 NFE + one tolerance = 7; diffusion adds the 3 stochastic samplers; +2 quantised edm
        assertEquals(7 + 2 + 7 + 2 + 13 + 2, r.path("cells").size());
        for (JsonNode c : r.path("cells")) {
            assertEquals(3, c.path("quality").size(), c.toString());
            assertTrue(c.path("nfe").asDouble() > 0, c.toString());
        }
        assertEquals(6, r.path("dim").asInt());
        assertTrue(r.path("floor").asDouble() > 0 && Double.isFinite(r.path("true_nll").asDouble()));
        assertEquals(3, r.path("nll").size());
        assertEquals(6, r.path("ratios").size(), "pfgm and pfgmpp:64 against diffusion's SDEs (two grids) and ODE");
        assertEquals(3, r.path("quantised").size());
        String md = Files.readString(out.resolve("table.md"));
        for (String part : new String[] {"NFE to reach 1.5 x the floor", "Held-out NLL", "Robustness", "Every point",
            "euler-maruyama", "edm-churn", "euler-maruyama-geometric", "./pfgm bench-sampling --data builtin:mixture6"}) {
            assertTrue(md.contains(part), part);
        }
        var png = javax.imageio.ImageIO.read(out.resolve("quality.png").toFile());
        assertEquals(1100, png.getWidth());

        // recompute: diffusion's edm at K = 2 (NFE 4 rounded to (4 + 1) / 2) with sampling seed 1000, against the
        // held-out draw the bench uses (fresh seed 1), with the same projections
        PfgmModel model = ModelFile.read(out.resolve("models/diffusion.pfgm"), "test");
        Sampler.Result s = new Sampler(model).sample(100, 1000, new SolverSpec("edm", 1e-4, 1e-4, 2), f -> { });
        double[] x = new double[s.samples().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = s.samples()[i];
        }
        Dataset held = BuiltinData.fresh("builtin:mixture6", 100, 1);
        double q = SampleStats.slicedWasserstein(x, 100, held.values(), 100, 6, 7);
        JsonNode cell = null;
        for (JsonNode c : r.path("cells")) {
            if (c.path("method").asText().equals("diffusion") && c.path("sampler").asText().equals("edm")
                    && c.path("steps").asInt() == 2 && !c.path("quantised").asBoolean()) {
                cell = c;
            }
        }
        assertEquals(q, cell.path("quality").get(0).asDouble(), 1e-12);
        Dataset other = BuiltinData.fresh("builtin:mixture6", 100, 100);
        double floor0 = SampleStats.slicedWasserstein(other.values(), 100, held.values(), 100, 6, 7);
        double floor = 0;
        for (int seed = 0; seed < 3; seed++) {
            Dataset b = BuiltinData.fresh("builtin:mixture6", 100, 100 + seed);
            floor += SampleStats.slicedWasserstein(b.values(), 100, held.values(), 100, 6, 7) / 3;
        }
        assertTrue(floor0 > 0);
        assertEquals(floor, r.path("floor").asDouble(), 1e-12);

        // a second run reuses the models it trained
        CliTest.Run again = CliTest.run(args);
        assertEquals(0, again.code(), again.err());
        assertTrue(Files.readString(out.resolve("table.md")).contains("| reused |"));
    }

    @Test
    void imagesAreJudgedByTheFrechetDistanceOfAClassifiersFeatures(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("w8.json");
        Files.writeString(config, "{\"unet_width\": 8, \"unet_levels\": 1}");
        String[] args = {"bench-sampling", "--data", "builtin:discs", "--steps", "40", "--methods", "pfgm,diffusion",
            "--out", dir.toString(), "--count", "30", "--seeds", "2", "--nfe", "5", "--tolerances", "", "--config",
            config.toString()};
        CliTest.Run run = CliTest.run(args);
        assertEquals(0, run.code(), run.err());
        Path out = dir.resolve("discs");
        JsonNode r = JSON.readTree(Files.readAllBytes(out.resolve("results.json")));
        // euler K=5, heun and edm K=3 per method; diffusion adds the three stochastic samplers
        assertEquals(3 + 6, r.path("cells").size());
        assertEquals(256, r.path("dim").asInt());
        assertTrue(r.path("true_nll").isMissingNode(), "no density is known for images");
        String md = Files.readString(out.resolve("table.md"));
        assertTrue(md.contains("Fréchet distance in classifier features"), md);
        assertTrue(md.contains("| FD |"), md);

        // recompute with the classifier the bench trained and kept: the floor from the held-out discs it draws
        // (fresh seeds 100, 101), and pfgm's edm K = 3 cell at sampling seed 1000, judged as saved
        ClassifierModel classifier = ClassifierModel.read(Files.readAllBytes(out.resolve("models/classifier.bin")), "test");
        ImageSet train = ImageFiles.images(ImageFiles.DISCS, null, "--data", null);
        FeatureStats reference = classifier.featureStats(train.pixels(), train.count());
        double floor = 0;
        for (int seed = 0; seed < 2; seed++) {
            ImageSet held = ProceduralImages.discs(30, 16, 2.0, 4.0, 100 + seed);
            floor += classifier.featureStats(held.pixels(), 30).frechet(reference) / 2;
        }
        assertEquals(floor, r.path("floor").asDouble(), 1e-9 * floor);
        PfgmModel model = ModelFile.read(out.resolve("models/pfgm.pfgm"), "test");
        assertEquals(8, model.settings().unetWidth(), "--config reached the U-Net");
        Sampler.Result s = new Sampler(model).sample(30, 1000, new SolverSpec("edm", 1e-4, 1e-4, 3), f -> { });
        double q = classifier.featureStats(ImageSet.displayed(s.samples(), false), 30).frechet(reference);
        JsonNode cell = null;
        for (JsonNode c : r.path("cells")) {
            if (c.path("method").asText().equals("pfgm") && c.path("sampler").asText().equals("edm")) {
                cell = c;
            }
        }
        assertEquals(q, cell.path("quality").get(0).asDouble(), 1e-9 * q);
        assertTrue(q > floor, "40 training steps do not make discs: " + q + " vs the floor " + floor);
    }

    @Test
    void badInputIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        String[][] bad = {
            {"--methods", "pfgm,ddpm"}, {"--nfe", "0"}, {"--tolerances", "2"}, {"--methods", "pfgmpp:1"}, {"--count", "5"},
            {"--labels", "labels.csv"}, {"--classifier", "c.bin"}, {"--nfe", "5,,10"}, {"--tolerances", "1e-3,"}};
        for (String[] b : bad) {
            String[] args = new String[] {"bench-sampling", "--data", "builtin:ring8", "--steps", "10", "--out", dir.toString(),
                b[0], b[1]};
            CliTest.Run r = CliTest.run(args);
            assertEquals(2, r.code(), String.join(" ", b) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("--" + b[0].substring(2)), r.err());
        }
        // images with no labels and no classifier: nothing to judge them with
        Path npy = dir.resolve("imgs.npy");
        CliTest.Run r = CliTest.run(new String[] {"bench-sampling", "--data", writeImages(npy), "--steps", "10",
            "--out", dir.toString(), "--count", "20"});
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().strip().startsWith("error: --classifier:") && r.err().contains("no labels"), r.err());
        assertTrue(!Files.exists(dir.resolve("imgs/models/pfgm.pfgm")), "nothing trained");
        // a classifier that is not one: refused before any folder is made
        Path notClassifier = dir.resolve("bad.bin");
        Files.write(notClassifier, new byte[] {'x', 0, 'y'});
        CliTest.Run c = CliTest.run(new String[] {"bench-sampling", "--data", "builtin:discs", "--steps", "10",
            "--out", dir.toString(), "--classifier", notClassifier.toString()});
        assertEquals(2, c.code(), c.err());
        assertTrue(c.err().startsWith("error: --classifier"), c.err());
        assertTrue(!Files.exists(dir.resolve("discs")), "nothing written");
        // a refusal leaves no --out folder behind; too few held-out rows at the least --count asks for data
        Path small = dir.resolve("small.csv");
        StringBuilder rows = new StringBuilder("a,b\n");
        for (int i = 0; i < 100; i++) {
            rows.append(i % 7).append(',').append(i % 5).append('\n');
        }
        Files.writeString(small, rows);
        Path fresh = dir.resolve("fresh");
        CliTest.Run few = CliTest.run(new String[] {"bench-sampling", "--data", small.toString(), "--steps", "10",
            "--out", fresh.toString(), "--count", "20"});
        assertEquals(2, few.code(), few.err());
        assertTrue(few.err().contains("give more data") && !few.err().contains("lower --count"), few.err());
        assertTrue(!Files.exists(fresh), "no --out folder left");
        CliTest.Run more = CliTest.run(new String[] {"bench-sampling", "--data", small.toString(), "--steps", "10",
            "--out", fresh.toString(), "--count", "21"});
        assertTrue(more.code() == 2 && more.err().contains("(lower --count)"), more.err());
    }

    /** 200 random 8x8 images as an .npy of shape [200, 8, 8]. */
    private static String writeImages(Path file) {
        float[] px = new float[200 * 64];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rng.nextDouble();
        }
        try (var out = Files.newOutputStream(file)) {
            dev.pfgm.shared.data.NpyFile.writeFloat32(out, px, new long[] {200, 8, 8});
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file.toString();
    }
}
