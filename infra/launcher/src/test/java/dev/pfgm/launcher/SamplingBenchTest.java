package dev.pfgm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.eval.SampleStats;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./pfgm bench-sampling on a tiny budget: every output is written, and its figures are what they
 * say (a cell's quality and the floor recomputed here from the saved model and the same draws).
 */
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
        // per method: euler, heun, edm at 2 NFE + one tolerance = 7; diffusion adds the 2 stochastic samplers; +2 quantised edm
        assertEquals(7 + 2 + 7 + 2 + 11 + 2, r.path("cells").size());
        for (JsonNode c : r.path("cells")) {
            assertEquals(3, c.path("quality").size(), c.toString());
            assertTrue(c.path("nfe").asDouble() > 0, c.toString());
        }
        assertEquals(6, r.path("dim").asInt());
        assertTrue(r.path("floor").asDouble() > 0 && Double.isFinite(r.path("true_nll").asDouble()));
        assertEquals(3, r.path("nll").size());
        assertEquals(4, r.path("ratios").size(), "pfgm and pfgmpp:64 against diffusion's SDE and ODE samplers");
        assertEquals(3, r.path("quantised").size());
        String md = Files.readString(out.resolve("table.md"));
        for (String part : new String[] {"NFE to reach 1.5 x the floor", "Held-out NLL", "Robustness", "Every point",
            "euler-maruyama", "edm-churn", "./pfgm bench-sampling --data builtin:mixture6"}) {
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
    void badInputIsOneLineAndExitTwo(@TempDir Path dir) {
        String[][] bad = {
            {"--methods", "pfgm,ddpm"}, {"--nfe", "0"}, {"--tolerances", "2"}, {"--methods", "pfgmpp:1"}, {"--count", "5"}};
        for (String[] b : bad) {
            String[] args = new String[] {"bench-sampling", "--data", "builtin:ring8", "--steps", "10", "--out", dir.toString(),
                b[0], b[1]};
            CliTest.Run r = CliTest.run(args);
            assertEquals(2, r.code(), String.join(" ", b) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("--" + b[0].substring(2)), r.err());
        }
    }
}
