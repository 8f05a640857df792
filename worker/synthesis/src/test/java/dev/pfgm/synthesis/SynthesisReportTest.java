package dev.pfgm.synthesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.train.TrainListener;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.NpyFile;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's figures mean what they say: a model's samples sit between the held-out floor and
 * the Gaussian baseline; rows copied from the training data are flagged as copies; the held-out
 * split is the one the model was trained without.
 */
class SynthesisReportTest {
    @TempDir
    Path dir;

    /**
     * The tables' default model (PFGM++, D = 8) on 2,400 steps: it learns more slowly per step than
     * PFGM (sliced W1 0.091 at 800 steps, where PFGM is at 0.049; 0.042 at 2,400, under the floor).
     */
    static PfgmModel heldOutModel(Dataset data) {
        return Trainer.train(data, TrainSettings.defaults().with(Models.json("{\"steps\": 2400, \"hidden\": 64,"
                + " \"batch\": 128, \"warmup\": 50, \"holdout\": 0.2}"), "test"), TrainListener.NONE);
    }

    @Test
    void samplesScoreBetweenTheFloorAndTheGaussianAndCopiesAreCaught() throws Exception {
        Dataset data = BuiltinData.load("builtin:moons").head(6000);
        PfgmModel m = heldOutModel(data);
        assertEquals(4800, m.provenance().dataCount(), "a fifth of the rows were kept out of training");
        ImageFiles.Loaded training = new ImageFiles.Loaded(data, null);
        var spec = Models.spec(m, "{\"count\": 4000, \"shard_size\": 1000, \"solver\": \"heun\", \"steps\": 40}");
        LocalSynthesis.Result r = LocalSynthesis.run(m, Models.JSON.createObjectNode().put("sha256", "h"), spec, null,
                dir.resolve("a"), false, sample -> SynthesisReport.build(m, sample, false, false, training, null, null, null),
                (x, c) -> { });
        JsonNode report = Models.JSON.readTree(Files.readAllBytes(dir.resolve("a").resolve(LocalSynthesis.REPORT)));
        JsonNode rows = report.path("rows");
        assertEquals(4000, rows.path("synthetic").asInt());
        assertEquals(4800, rows.path("training").asInt());
        assertEquals(1200, rows.path("held_out").asInt());
        JsonNode sw = report.path("quality").path("sliced_wasserstein");
        double syn = sw.path("synthetic").asDouble();
        double floor = sw.path("held_out").asDouble();
        double gauss = sw.path("gaussian").asDouble();
        assertTrue(floor < gauss / 3 && syn < gauss / 2, "sliced W1: synthetic " + syn + ", held out " + floor
                + ", gaussian " + gauss);
        JsonNode ks = report.path("quality").path("ks_mean");
        assertTrue(ks.path("synthetic").asDouble() < ks.path("gaussian").asDouble(), ks.toString());
        JsonNode p = report.path("privacy");
        assertEquals(0, p.path("exact_copies").path("synthetic").asLong());
        double share = p.path("share_below_held_out_p05").path("synthetic").asDouble();
        assertTrue(share < 0.2, "a model that does not copy puts few rows closer than held-out rows: " + share);
        assertHistogram(p.path("dcr_histogram"));
        assertEquals(2, report.path("marginals").size());
        assertEquals(30, report.path("marginals").get(0).path("synthetic").size());
        try (var files = Files.list(dir.resolve("a"))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".report")),
                    "the report's samples are cleaned up");
        }
        assertEquals(4, r.manifest().path("parts").size());

        // a "synthesizer" that hands back training rows: every row a copy, all closer than the floor
        boolean[] held = dev.pfgm.engine.train.Holdout.mask(6000, 0.2, 0);
        Dataset trainOnly = dev.pfgm.engine.train.Holdout.rows(data, held, false);
        float[] f = new float[1000];
        for (int i = 0; i < 1000; i++) {
            f[i] = (float) trainOnly.values()[i];
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        NpyFile.writeFloat32(b, f, new long[] {500, 2});
        ObjectNode copied = SynthesisReport.build(m, List.of(b.toByteArray()), false, false, training, null, null, null);
        assertEquals(500, copied.path("privacy").path("exact_copies").path("synthetic").asLong());
        assertEquals(1.0, copied.path("privacy").path("share_below_held_out_p05").path("synthetic").asDouble());
        // the copies are the training rows rounded to float32, as the parts hold them
        assertTrue(copied.path("privacy").path("dcr_median").path("synthetic").asDouble() < 1e-6, copied.toString());
        JsonNode copiedHist = copied.path("privacy").path("dcr_histogram");
        assertHistogram(copiedHist);
        assertEquals(1.0, copiedHist.path("synthetic").get(0).asDouble(), 1e-6, "every copy in the first bin");
    }

    /**
     * The bins by hand: 30 bins of [0, 3] are 0.1 wide; a value on an edge opens the bin above it, and
     * values past either end count in the end bins (the histogram's top edge is a 99th percentile).
     */
    @Test
    void histogramBinsAreHalfOpenAndTheEndsTakeTheTails() {
        assertEquals(30, SynthesisReport.BINS);
        double[] h = SynthesisReport.histogram(new double[] {-1, 0, 0.05, 0.1, 1.55, 2.95, 3, 7}, 0, 3);
        double eighth = 1.0 / 8;
        assertEquals(3 * eighth, h[0], 1e-12, "-1, 0 and 0.05");
        assertEquals(eighth, h[1], 1e-12, "0.1 opens the second bin");
        assertEquals(eighth, h[15], 1e-12, "1.55");
        assertEquals(3 * eighth, h[29], 1e-12, "2.95, the top edge 3 and 7 above it");
        assertEquals(8 * eighth, java.util.Arrays.stream(h).sum(), 1e-12, "nothing else");
    }

    /** Edges rising from 0, one share a bin between them, each row set's shares adding up to 1. */
    private static void assertHistogram(JsonNode h) {
        JsonNode edges = h.path("edges");
        assertEquals(0.0, edges.get(0).asDouble());
        for (int k = 1; k < edges.size(); k++) {
            assertTrue(edges.get(k).asDouble() > edges.get(k - 1).asDouble(), "edges rise: " + edges);
        }
        for (String set : new String[] {"synthetic", "held_out"}) {
            JsonNode shares = h.path(set);
            assertEquals(edges.size() - 1, shares.size(), set);
            double sum = 0;
            for (JsonNode v : shares) {
                assertTrue(v.asDouble() >= 0, set);
                sum += v.asDouble();
            }
            assertEquals(1.0, sum, 1e-4, set + " shares: " + shares);
        }
    }

    @Test
    void imageReportsGivePrivacyAndSayWhatQualityNeeds() throws Exception {
        PfgmModel m = Models.images();
        var discs = dev.pfgm.shared.data.ProceduralImages.discs(300, 8, 1.0, 2.5, 3);
        var training = new ImageFiles.Loaded(null, discs);
        var spec = Models.spec(m, "{\"count\": 60, \"shard_size\": 30, \"solver\": \"euler\", \"steps\": 2}");
        LocalSynthesis.run(m, Models.JSON.createObjectNode().put("sha256", "i"), spec, null, dir.resolve("i"), false,
                sample -> SynthesisReport.build(m, sample, true, false, training, null, null, null), (x, c) -> { });
        JsonNode report = Models.JSON.readTree(Files.readAllBytes(dir.resolve("i").resolve(LocalSynthesis.REPORT)));
        assertEquals("images", report.path("kind").asText());
        assertEquals(60, report.path("rows").path("synthetic").asInt());
        assertTrue(report.path("quality").path("note").asText().contains("classifier"), report.toString());
        assertTrue(report.path("privacy").path("dcr_median").path("synthetic").asDouble() > 0);
        assertEquals(3, report.path("classes").path("synthetic").size());
        assertEquals(0.5, report.path("classes").path("training").get(0).asDouble(), 1e-9);
    }
}
