package dev.pfgm.synthesis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.synthesis.SynthesisSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local run: a run stopped half way and resumed gives the bytes of an uninterrupted one; filters and classes keep counts exact. */
class LocalSynthesisTest {
    @TempDir
    Path dir;

    private static ObjectNode describe(String sha) {
        return Models.JSON.createObjectNode().put("sha256", sha);
    }

    /**
     * The manifest speaks of the files on disk: each part's bytes and sha256 (and its side files'),
     * and totals that are the parts' sums (bytes counting side files; nfe the mean over candidates).
     */
    private static void assertManifestMatchesTheFiles(Path out, JsonNode manifest) throws Exception {
        long rows = 0;
        long bytes = 0;
        long candidates = 0;
        double evaluations = 0;
        JsonNode parts = manifest.path("parts");
        for (JsonNode p : parts) {
            List<JsonNode> files = new ArrayList<>(List.of(p));
            p.path("files").forEach(files::add);
            for (JsonNode f : files) {
                byte[] b = Files.readAllBytes(out.resolve(f.path("name").asText()));
                assertEquals(b.length, f.path("bytes").asLong(), f.path("name").asText());
                assertEquals(DataFiles.sha256(b), f.path("sha256").asText(), f.path("name").asText());
                bytes += b.length;
            }
            rows += p.path("rows").asLong();
            candidates += p.path("candidates").asLong();
            evaluations += p.path("nfe").asDouble() * p.path("candidates").asLong();
        }
        JsonNode totals = manifest.path("totals");
        assertEquals(parts.size(), totals.path("parts").asInt());
        assertEquals(rows, totals.path("rows").asLong());
        assertEquals(manifest.path("count").asLong(), rows);
        assertEquals(bytes, totals.path("bytes").asLong());
        assertEquals(candidates, totals.path("candidates").asLong());
        assertEquals(evaluations / candidates, totals.path("nfe").asDouble(), 1e-9);
    }

    @Test
    void anInterruptedRunResumesToTheSameBytes() throws Exception {
        PfgmModel m = Models.table();
        SynthesisSpec spec = Models.spec(m, "{\"count\": 2000, \"shard_size\": 300, \"seed\": 7, \"solver\": \"heun\","
                + " \"steps\": 6}");
        Path clean = dir.resolve("clean");
        LocalSynthesis.Result whole = LocalSynthesis.run(m, describe("m1"), spec, null, clean, false, (r, c) -> { });
        assertEquals(7, whole.manifest().path("parts").size());
        assertEquals(2000, whole.manifest().path("totals").path("rows").asLong());
        assertManifestMatchesTheFiles(clean, whole.manifest());
        assertEquals(2000, whole.manifest().path("totals").path("candidates").asLong(), "no filter: a row a candidate");
        assertEquals(11, whole.manifest().path("totals").path("nfe").asDouble(), "heun, 6 steps: 2 x 6 - 1");

        // stop a second run in its fourth shard, as a kill would
        Path resumed = dir.resolve("resumed");
        AtomicInteger calls = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> LocalSynthesis.run(m, describe("m1"), spec, null, resumed, false,
                (rows, count) -> {
                    if (rows > 1000 && calls.incrementAndGet() > 1) {
                        throw new IllegalStateException("killed");
                    }
                }));
        assertTrue(Files.exists(resumed.resolve(LocalSynthesis.JOURNAL)));
        assertTrue(!Files.exists(resumed.resolve(LocalSynthesis.MANIFEST)));
        // a damaged part is drawn again
        Path p0 = resumed.resolve("part-00000.npy");
        byte[] b = Files.readAllBytes(p0);
        b[b.length - 1] ^= 1;
        Files.write(p0, b);

        InvalidInputException fresh = assertThrows(InvalidInputException.class,
                () -> LocalSynthesis.run(m, describe("m1"), spec, null, resumed, false, (r, c) -> { }));
        assertTrue(fresh.getMessage().contains("--resume"), fresh.getMessage());
        SynthesisSpec other = Models.spec(m, "{\"count\": 2000, \"shard_size\": 300, \"seed\": 8, \"solver\": \"heun\","
                + " \"steps\": 6}");
        InvalidInputException clash = assertThrows(InvalidInputException.class,
                () -> LocalSynthesis.run(m, describe("m1"), other, null, resumed, true, (r, c) -> { }));
        assertTrue(clash.getMessage().contains("seed 7, not 8"), clash.getMessage());

        LocalSynthesis.Result r = LocalSynthesis.run(m, describe("m1"), spec, null, resumed, true, (x, c) -> { });
        // killed in shard 3's drawing or just after (how many progress calls a shard makes depends on
        // how its chunks spread over the cores): parts 0 and 1 are written by then, part 2 or 3 may be
        // still in writing beside the drawing (interrupted by the kill); part 0 was damaged
        assertTrue(r.keptParts() >= 1 && r.keptParts() <= 3, "kept " + r.keptParts());
        assertEquals(7, r.keptParts() + r.drawnParts());
        for (JsonNode p : whole.manifest().path("parts")) {
            String name = p.path("name").asText();
            assertArrayEquals(Files.readAllBytes(clean.resolve(name)), Files.readAllBytes(resumed.resolve(name)), name);
        }
        assertTrue(!Files.exists(resumed.resolve(LocalSynthesis.JOURNAL)), "the journal goes once the manifest is written");
        // resuming a finished run draws nothing
        LocalSynthesis.Result again = LocalSynthesis.run(m, describe("m1"), spec, null, resumed, true, (x, c) -> { });
        assertEquals(0, again.drawnParts());
    }

    @Test
    void aFilterKeepsTheCountAndEveryRowAboveItsThreshold() throws Exception {
        PfgmModel m = Models.table();
        SynthesisSpec spec = Models.spec(m, "{\"count\": 600, \"shard_size\": 250, \"seed\": 3, \"solver\": \"heun\","
                + " \"steps\": 20, \"log_density\": true, \"filter\": {\"min_log_density_quantile\": 0.2}}");
        double threshold = DensityThreshold.of(m, ImageFiles.load("builtin:moons", null, "data", null), spec,
                Progress.NONE);
        LocalSynthesis.Result r = LocalSynthesis.run(m, describe("m2"), spec, threshold, dir.resolve("f"), false,
                (x, c) -> { });
        JsonNode totals = r.manifest().path("totals");
        assertEquals(600, totals.path("rows").asLong());
        long candidates = totals.path("candidates").asLong();
        // about a fifth of the training data lies below the threshold; the samples are similar
        assertTrue(candidates > 620 && candidates < 1000, "candidates drawn " + candidates);
        assertEquals(threshold, r.manifest().path("filter").path("threshold").asDouble());
        assertManifestMatchesTheFiles(dir.resolve("f"), r.manifest());
        int rows = 0;
        for (JsonNode p : r.manifest().path("parts")) {
            Path f = dir.resolve("f").resolve(p.path("files").get(0).path("name").asText());
            NpyFile.Array logp = NpyFile.parse(Files.readAllBytes(f), "log density");
            for (double v : logp.values()) {
                assertTrue(v >= threshold, v + " below " + threshold);
                rows++;
            }
        }
        assertEquals(600, rows);
        // deterministic: the same spec, another folder, the same bytes
        LocalSynthesis.Result twice = LocalSynthesis.run(m, describe("m2"), spec, threshold, dir.resolve("g"), false,
                (x, c) -> { });
        for (int k = 0; k < 3; k++) {
            assertEquals(r.manifest().path("parts").get(k).path("sha256"), twice.manifest().path("parts").get(k).path("sha256"));
        }
    }

    @Test
    void classCountsAreExact() throws Exception {
        PfgmModel m = Models.images();
        for (String classes : new String[] {"\"balanced\"", "\"data\"", "{\"1\": 77, \"2\": 23}"}) {
            SynthesisSpec spec = Models.spec(m, "{\"count\": 100, \"shard_size\": 30, \"solver\": \"euler\","
                    + " \"steps\": 2, \"classes\": " + classes + "}");
            Path out = dir.resolve("c" + classes.hashCode());
            LocalSynthesis.Result r = LocalSynthesis.run(m, describe("m3"), spec, null, out, false, (x, c) -> { });
            long[] seen = new long[3];
            for (JsonNode p : r.manifest().path("parts")) {
                byte[] b = Files.readAllBytes(out.resolve(p.path("files").get(0).path("name").asText()));
                int start = 10 + (b[8] & 0xff);
                var in = java.nio.ByteBuffer.wrap(b, start, b.length - start).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                while (in.hasRemaining()) {
                    seen[in.getInt()]++;
                }
            }
            long[] want = switch (classes) {
                case "\"balanced\"" -> new long[] {34, 33, 33};
                case "\"data\"" -> new long[] {50, 30, 20};
                default -> new long[] {0, 77, 23};
            };
            assertArrayEquals(want, seen, classes);
            JsonNode cc = r.manifest().path("totals").path("class_counts");
            assertEquals(want[1], cc.path("1").asLong());
        }
    }

    /** A new run takes an empty folder or one of other files, and refuses one holding any part. */
    @Test
    void aNewRunRefusesAFolderHoldingParts() throws Exception {
        PfgmModel m = Models.table();
        SynthesisSpec spec = Models.spec(m, "{\"count\": 10, \"solver\": \"euler\", \"steps\": 2}");
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        Files.writeString(mixed.resolve("notes.txt"), "not a part");
        assertEquals(1, LocalSynthesis.run(m, describe("m4"), spec, null, mixed, false, (x, c) -> { }).drawnParts());
        Path stray = Files.createDirectories(dir.resolve("stray"));
        Files.write(stray.resolve("part-00003.npy"), new byte[] {1});
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> LocalSynthesis.run(m, describe("m4"), spec, null, stray, false, (x, c) -> { }));
        assertTrue(e.getMessage().contains("already holds a synthesis"), e.getMessage());
    }
}
