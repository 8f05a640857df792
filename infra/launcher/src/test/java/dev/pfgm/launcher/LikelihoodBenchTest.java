package dev.pfgm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.GaussianMixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./pfgm bench-likelihood on a tiny budget: its gaps recompute from the saved models and the truth. */
@Tag("slow")
class LikelihoodBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTinyStudyReportsGapsThatRecompute(@TempDir Path dir) throws Exception {
        String[] args = {"bench-likelihood", "--data", "builtin:ring8", "--steps", "100,300", "--methods",
            "pfgm,diffusion", "--count", "40", "--out", dir.toString()};
        CliTest.Run run = CliTest.run(args);
        assertEquals(0, run.code(), run.err());
        Path out = dir.resolve("ring8");
        JsonNode r = JSON.readTree(Files.readAllBytes(out.resolve("results.json")));
        assertEquals(4, r.path("rows").size());
        Dataset held = BuiltinData.fresh("builtin:ring8", 40, 1);
        GaussianMixture truth = BuiltinData.density("builtin:ring8");
        double trueNll = 0;
        for (int i = 0; i < 40; i++) {
            trueNll -= truth.logDensity(held.values(), 2 * i) / 40;
        }
        assertEquals(trueNll, r.path("true_nll").asDouble(), 1e-12);
        for (JsonNode row : r.path("rows")) {
            String m = row.path("method").asText();
            int steps = row.path("steps").asInt();
            PfgmModel model = ModelFile.read(out.resolve("models/" + m + "-" + steps + ".pfgm"), "test");
            assertEquals(steps, model.settings().steps());
            double nll = new Likelihood(model).nll(held, 0, 0, 1e-5, 1e-5, f -> { }).mean();
            assertEquals(nll - trueNll, row.path("gap").asDouble(), 1e-9, m + " " + steps);
            if (steps == 300) {
                // the parts: KLs are not negative beyond their error; the network's share is what is left
                for (String k : new String[] {"prior", "truncation", "jitter"}) {
                    assertTrue(row.path(k).asDouble() > -4 * row.path(k + "_se").asDouble() - 1e-9, k + ": " + row);
                }
                assertEquals(row.path("gap_tight").asDouble() - row.path("prior").asDouble()
                        - row.path("truncation").asDouble() - row.path("jitter").asDouble(),
                        row.path("network").asDouble(), 1e-12);
                assertEquals(row.path("network").asDouble(), row.path("fit").asDouble()
                        + row.path("generalisation").asDouble(), 1e-12);
                assertTrue(Double.isFinite(row.path("train_gap").asDouble()), row.toString());
                assertTrue(Math.abs(row.path("gap_tight").asDouble() - row.path("gap").asDouble()) < 0.05, row.toString());
            } else {
                assertTrue(row.path("network").isMissingNode(), "parts only at the largest budget");
            }
        }
        assertTrue(Files.readString(out.resolve("table.md")).contains("taken apart"));
    }

    @Test
    void badInputIsOneLineAndExitTwo(@TempDir Path dir) {
        String[][] bad = {{"--data", "builtin:moons"}, {"--data", "x.csv"}, {"--steps", "0"}, {"--methods", "ddpm"},
            {"--count", "3"}, {"--steps", ",,"}, {"--steps", "5000,"}, {"--methods", ","}};
        for (String[] b : bad) {
            String[] args = b[0].equals("--data") ? new String[] {"bench-likelihood", b[0], b[1], "--out", dir.toString()}
                    : new String[] {"bench-likelihood", "--data", "builtin:ring8", "--out", dir.toString(), b[0], b[1]};
            CliTest.Run r = CliTest.run(args);
            assertEquals(2, r.code(), String.join(" ", b) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("error: " + b[0] + ":"), r.err());
        }
        assertTrue(!Files.exists(dir.resolve("ring8")), "nothing written");
    }
}
