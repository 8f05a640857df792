package dev.pfgm.launcher;

import static dev.pfgm.launcher.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.launcher.CliTest.Run;
import dev.pfgm.shared.data.DataFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs a fuzzing session found the command line mishandling (exit 1 with an internal exception,
 * unbounded memory, a hang, or work done before the refusal): each is one line and exit 2 now.
 */
class HostileCliInputTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path imageModel;

    @BeforeAll
    static void trainModels() throws IOException {
        Files.writeString(dir.resolve("small.json"), "{\"hidden\": 16, \"depth\": 2, \"batch\": 64, \"large_batch\": 256}");
        model = dir.resolve("m.pfgm");
        Run t = run("train", "--data", "builtin:moons", "--out", model.toString(), "--steps", "20", "--config",
                dir.resolve("small.json").toString());
        assertEquals(0, t.code(), t.err());
        Files.writeString(dir.resolve("tiny-unet.json"),
                "{\"unet_width\": 8, \"unet_levels\": 1, \"batch\": 8, \"large_batch\": 32}");
        imageModel = dir.resolve("img.pfgm");
        Run i = run("train", "--data", "builtin:discs", "--out", imageModel.toString(), "--steps", "2", "--config",
                dir.resolve("tiny-unet.json").toString());
        assertEquals(0, i.code(), i.err());
    }

    private static void refused(Run r, String says) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(says), "'" + says + "' in " + r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("error: ")).count(), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    /** A bad API key is named where it came from: --key, PFGM_API_KEY or DIR/api-key (all were "--key"). */
    @Test
    void aBadKeyIsNamedWhereItCameFrom() throws Exception {
        Path up = Files.createDirectories(dir.resolve("up"));
        Files.writeString(up.resolve("api-key"), "not a key\n");
        refused(run("status", "--id", "x", "--data-dir", up.toString()), up.resolve("api-key") + ": the API key must be");
        refused(run("status", "--id", "x", "--key", "not a key"), "--key: the API key must be");
        Run env = CliTest.child(Map.of("PFGM_API_KEY", "not a key"), "status", "--id", "x", "--data-dir",
                up.toString());
        refused(env, "PFGM_API_KEY: the API key must be");
    }

    @Test
    void aDeviceIsNotADataOrModelFile() throws IOException {
        // /dev/zero never ends: reading it whole filled memory, hashing it never returned
        Path zeros = Files.createSymbolicLink(dir.resolve("zeros.npy"), Path.of("/dev/zero"));
        refused(run("train", "--data", zeros.toString(), "--out", dir.resolve("x.pfgm").toString()), "not a regular file");
        refused(run("sample", "--model", zeros.toString(), "--count", "5", "--out", dir.resolve("x.npy").toString()),
                "not a regular file");
    }

    @Test
    void aModelWhoseEntriesUnpackToGigabytesIsRefused() throws IOException {
        Map<String, byte[]> entries = entries(model);
        entries.put("padding.bin", new byte[100 << 20]); // zeros: a few hundred KB compressed
        Path bomb = write("bomb.pfgm", entries);
        assertTrue(Files.size(bomb) < (1 << 20), "the bomb is small on disk: " + Files.size(bomb));
        refused(run("sample", "--model", bomb.toString(), "--count", "5", "--out", dir.resolve("x.npy").toString()),
                "unpack to more than 64 times its size");
    }

    @Test
    void damagedModelEntriesAreNamed() throws IOException {
        List<String[]> damage = List.of(
                new String[] {"normalization.json", "{\"mean\": [0, 0], \"std\": [1], \"maxNorm\": 1}"},
                new String[] {"loss.csv", "step,loss\n1,abc\n"},
                new String[] {"classes.json", "{\"counts\": {\"a\": 1}}"},
                // fewer column names than columns: sample --out x.csv was an IndexOutOfBoundsException, exit 1
                new String[] {"normalization.json", "{\"mean\": [0, 0], \"std\": [1, 1], \"maxNorm\": 1,"
                        + " \"columns\": [\"x\"]}"},
                new String[] {"normalization.json", "{\"mean\": [0, 0], \"std\": [1, 1], \"maxNorm\": 0}"});
        for (String[] d : damage) {
            Map<String, byte[]> entries = entries(model);
            entries.put(d[0], d[1].getBytes(StandardCharsets.UTF_8));
            Path bad = write("bad-" + d[0] + ".pfgm", entries);
            refused(run("sample", "--model", bad.toString(), "--count", "5", "--out", dir.resolve("x.csv").toString()),
                    "damaged model file");
        }
        // z_max 0 sampled NaN rows, written with exit 0
        Map<String, byte[]> zeroTop = entries(model);
        zeroTop.put("settings.json", new String(zeroTop.get("settings.json"), StandardCharsets.UTF_8)
                .replaceAll("\"z_max\" : [0-9.eE+-]+", "\"z_max\" : 0").getBytes(StandardCharsets.UTF_8));
        refused(run("sample", "--model", write("zmax.pfgm", zeroTop).toString(), "--count", "5", "--out",
                dir.resolve("x.npy").toString()), "not a flow's range");
        // a file cut short inside its first entry said "cannot read pfgm model file: null"
        Path cut = dir.resolve("cut.pfgm");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(model), 30));
        refused(run("sample", "--model", cut.toString(), "--count", "5", "--out", dir.resolve("x.npy").toString()),
                "it ends inside an entry: cut short?");
    }

    @Test
    void aModelVersionIsAWholeNumberFromOneReadExactly() throws IOException {
        for (String[] c : new String[][] {{"-1", "version is -1, not a format version"},
            {"1.5", "version is 1.5, not a format version"}, {"\"1\"", "not a format version"},
            {"99999999999999999999", "model format version 99999999999999999999 is newer"}}) {
            Map<String, byte[]> entries = entries(model);
            entries.put("manifest.json", ("{\"format\": \"pfgm-model\", \"version\": " + c[0] + "}")
                    .getBytes(StandardCharsets.UTF_8));
            Path bad = write("version.pfgm", entries);
            refused(run("sample", "--model", bad.toString(), "--count", "5", "--out", dir.resolve("x.npy").toString()),
                    c[1]);
        }
        // --classes as JSON is as strict as --config (a class twice kept the last; trailing text was ignored)
        refused(run("synthesize", "--model", model.toString(), "--count", "7", "--out", dir.resolve("syn").toString(),
                "--classes", "{\"0\": 2, \"0\": 5}"), "--classes: not valid JSON: Duplicate field");
        // CLASS:COUNT pairs: a trailing comma is an empty pair (SynthesisSpecTest has the class numbers)
        refused(run("synthesize", "--model", model.toString(), "--count", "7", "--out", dir.resolve("syn").toString(),
                "--classes", "0:7,"), "--classes: '' is not CLASS:COUNT");
    }

    @Test
    void benchCommandsCheckWhereTheyWriteAndWhatTheyReadBeforeMeasuring() throws IOException {
        // each was found after the whole benchmark had run (or, for bench-images, not in minutes)
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        refused(run("bench", "--quick", "--write", dir.toString()), "--write: '" + dir.toAbsolutePath() + "' is a directory");
        refused(run("bench-images", "--model", dir.resolve("nope.pfgm").toString(), "--write", "none"), "--model");
        refused(run("bench-images", "--model", model.toString(), "--write", "none"), "is a vector model");
        refused(run("bench-likelihood", "--data", "builtin:ring8", "--out", file.toString()), "is a file; give a folder");
    }

    @Test
    void anUnknownSubcommandIsAnsweredWithTheSubcommands() {
        refused(run("classifier", "fly"), "unexpected argument 'fly'; subcommands are train");
    }

    @Test
    void settingsAndCountsThatOverflowAnArrayAreRefused() throws IOException {
        Files.writeString(dir.resolve("huge.json"), "{\"hidden\": 8192, \"depth\": 64}");
        refused(run("train", "--data", "builtin:moons", "--out", dir.resolve("x.pfgm").toString(), "--steps", "1",
                "--config", dir.resolve("huge.json").toString()), "make an MLP of more than");
        // 8,388,609 images of 256 values overflowed an int into a negative array size
        refused(run("sample", "--model", imageModel.toString(), "--count", "8388609", "--out",
                dir.resolve("x.npy").toString(), "--solver", "euler", "--steps", "1"), "--count: 8388609 samples");
    }

    @Test
    void settingsFilesAreOneObjectWithEachKeyOnce() throws IOException {
        Path out = dir.resolve("s.pfgm");
        for (String[] c : new String[][] {{"{\"steps\": 5} garbage", "not valid JSON"},
            {"{\"steps\": 5, \"steps\": 7}", "Duplicate field 'steps'"}, {"null", "must be a JSON object"}}) {
            Files.writeString(dir.resolve("c.json"), c[0]);
            refused(run("train", "--data", "builtin:moons", "--out", out.toString(), "--config",
                    dir.resolve("c.json").toString()), c[1]);
        }
        // a whole number written as a float is that integer, as the service's contract reads it
        Files.writeString(dir.resolve("c.json"), "{\"steps\": 5.0, \"hidden\": 16.0, \"depth\": 2}");
        Run ok = run("train", "--data", "builtin:moons", "--out", out.toString(), "--config", dir.resolve("c.json").toString());
        assertEquals(0, ok.code(), ok.err());
        assertEquals(5, ok.summary().path("steps").asInt());
    }

    /** 8 x 32 images hold a 16 x 16 model's 256 pixels: they ran, and meant nothing. */
    @Test
    void imagesOfAnotherShapeWithTheSamePixelCountAreRefused() throws IOException {
        Path wide = dir.resolve("wide.npy");
        DataFiles.writeAtomically(wide, o -> dev.pfgm.shared.data.NpyFile.writeUint8(o, new byte[4 * 8 * 32],
                new long[] {4, 8, 32}));
        refused(run("nll", "--model", imageModel.toString(), "--data", wide.toString(), "--out",
                dir.resolve("n.npy").toString()), "holds 1x8x32 images; the model's are 1x16x16");
        refused(run("interpolate", "--model", imageModel.toString(), "--data", wide.toString(), "--from", "0", "--to",
                "1", "--steps", "3", "--out", dir.resolve("i.png").toString()), "holds 1x8x32 images");
    }

    @Test
    void aFileWhereAFolderGoesIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        refused(run("synthesize", "--model", model.toString(), "--count", "10", "--out", file.resolve("sub").toString()),
                "--out: cannot create the folder");
    }

    @Test
    void synthesisChecksItsDataBeforeDrawingAnything() throws IOException {
        Path out = dir.resolve("synth");
        refused(run("synthesize", "--model", model.toString(), "--count", "200", "--shard-size", "50", "--out",
                out.toString(), "--data", "builtin:discs"), "--data: images, but the model draws table rows");
        assertFalse(Files.exists(out), "no part was drawn");
        refused(run("synthesize", "--model", model.toString(), "--count", "10", "--out", out.toString(), "--classes",
                "0:99999999999999999999"), "--classes");
        // too few held-out rows for the report: it was a NullPointerException after every part was drawn
        Path two = dir.resolve("two-rows.csv");
        Files.writeString(two, "x,y\n1,2\n3,4\n");
        refused(run("synthesize", "--model", model.toString(), "--count", "10", "--out", out.toString(), "--holdout",
                two.toString()), "--holdout: 2 rows; the report compares with at least 20");
        assertFalse(Files.exists(out), "no part was drawn");
        // the training data as held-out rows: every synthetic row would look far from a copy
        refused(run("synthesize", "--model", model.toString(), "--count", "10", "--out", out.toString(), "--holdout",
                "builtin:moons"), "--holdout: the data the model was trained on");
        assertFalse(Files.exists(out), "no part was drawn");
    }

    /**
     * A synthesis refused while it draws (here samples past float32) leaves nothing in a folder that
     * held nothing: its partial state only blocked the corrected retry ("already holds a synthesis").
     */
    @Test
    void aSynthesisRefusedWhileItDrawsLeavesNothingBehind() throws IOException {
        StringBuilder csv = new StringBuilder("a,b\n");
        java.util.Random rng = new java.util.Random(5);
        for (int i = 0; i < 200; i++) {
            csv.append((rng.nextDouble() * 2 - 1) * 3.3e38).append(',').append(rng.nextGaussian()).append('\n');
        }
        Path huge = dir.resolve("huge-values.csv");
        Files.writeString(huge, csv);
        Path m = dir.resolve("huge.pfgm");
        Run t = run("train", "--data", huge.toString(), "--out", m.toString(), "--steps", "20", "--config",
                dir.resolve("small.json").toString());
        assertEquals(0, t.code(), t.err());
        Path out = dir.resolve("overflow");
        refused(run("synthesize", "--model", m.toString(), "--count", "300", "--out", out.toString(), "--format", "csv",
                "--no-report"), "overflow float32");
        assertFalse(Files.exists(out), "the folder this run made is gone");
        Path empty = Files.createDirectories(dir.resolve("empty-before"));
        refused(run("synthesize", "--model", m.toString(), "--count", "300", "--out", empty.toString(), "--format",
                "csv", "--no-report"), "overflow float32");
        try (java.util.stream.Stream<Path> left = Files.list(empty)) {
            assertEquals(List.of(), left.toList(), "the folder is as empty as it was");
        }
    }

    /** --resume reads the folder's manifest, which the user may have edited: it keeps only the plan's parts. */
    @Test
    void aResumedSynthesisKeepsOnlyThePartsOfItsPlan() throws IOException {
        Path out = dir.resolve("resumed");
        String[] args = {"synthesize", "--model", model.toString(), "--count", "100", "--shard-size", "10", "--out",
            out.toString(), "--no-report", "--resume"};
        assertEquals(0, run(args).code());
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var manifest = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(out.resolve("manifest.json").toFile());
        var parts = (com.fasterxml.jackson.databind.node.ArrayNode) manifest.get("parts");
        parts.add(((com.fasterxml.jackson.databind.node.ObjectNode) parts.get(0).deepCopy()).put("index", 999)); // not in the plan
        parts.add(parts.get(2).deepCopy()); // one listed twice
        ((com.fasterxml.jackson.databind.node.ObjectNode) parts.get(1)).put("rows", -5); // rows that are not its
        json.writeValue(out.resolve("manifest.json").toFile(), manifest);
        Run again = run(args);
        assertEquals(0, again.code(), again.err());
        JsonNode totals = json.readTree(out.resolve("manifest.json").toFile()).get("totals");
        assertEquals(100, totals.get("rows").asLong(), totals.toString());
        assertEquals(10, totals.get("parts").asInt(), totals.toString());
        assertEquals(9, again.summary().get("kept_parts").asInt(), "part 1 drawn again: " + again.out());
        // a journal that is JSON but not a synthesis's: one line, not a ClassCastException
        Path other = Files.createDirectories(dir.resolve("not-a-synthesis"));
        Files.writeString(other.resolve("synthesis.partial.json"), "{}");
        refused(run("synthesize", "--model", model.toString(), "--count", "10", "--out", other.toString(), "--resume"),
                "not a synthesis's");
        // a journal cut short: where it breaks, not the parser's internals
        Files.writeString(other.resolve("synthesis.partial.json"), "{\"params\": {\"count\"");
        Run cut = run("synthesize", "--model", model.toString(), "--count", "10", "--out", other.toString(), "--resume");
        refused(cut, "synthesis.partial.json' is damaged, not JSON (line 1, column");
        assertFalse(cut.err().contains("Source") || cut.err().contains("jackson"), cut.err());
        // parts without a manifest or journal: the refusal of --resume told the user to pass --resume
        Files.delete(out.resolve("manifest.json"));
        Run noManifest = run(args);
        refused(noManifest, "holds parts but neither synthesis.partial.json nor manifest.json");
        assertFalse(noManifest.err().contains("pass --resume"), noManifest.err());
    }

    @Test
    void aLongOutputNameThatTheFileSystemTakesWorks() {
        // NAME plus the temporary file's suffix once passed the file system's 255 bytes
        Path out = dir.resolve("a".repeat(240) + ".npy");
        Run r = run("sample", "--model", model.toString(), "--count", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(out));
    }

    @Test
    void clientOptionsAreCheckedBeforeAnyCall() {
        // the timeout before the submission (a refusal after it left a job behind); port 9 would take
        // retries and exit 1 if anything were sent
        refused(run("submit", "--url", "http://127.0.0.1:9", "--key", "k", "--job", "{\"type\": \"train\"}", "--wait",
                "--timeout", "0"), "--timeout");
        refused(run("status", "--url", "http://exa mple.com", "--key", "k", "--id", "x"), "--url");
        refused(run("status", "--url", "http://127.0.0.1:99999", "--key", "k", "--id", "x"), "--url");
        Run key = run("status", "--url", "http://127.0.0.1:9", "--key", "secret\nvalue", "--id", "x");
        refused(key, "--key");
        assertFalse(key.err().contains("secret"), "the key is not echoed: " + key.err());
        refused(run("submit", "--url", "http://127.0.0.1:9", "--key", "k", "--job", "{\"type\": \"train\"} x"), "--job");
    }

    private static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(zip)))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    private static Path write(String name, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(b)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        Path p = dir.resolve(name);
        Files.write(p, b.toByteArray());
        return p;
    }

    @Test
    void anOutputThatNamesAnInputIsRefusedAndTheInputKept() throws IOException {
        byte[] before = Files.readAllBytes(model);
        Path points = dir.resolve("points.npy");
        DataFiles.writeNpy(points, new float[] {0.1f, 0.2f, -0.3f, 0.4f}, 2, 2);
        // encode --out MODEL wrote latents over the model file
        refused(run("encode", "--model", model.toString(), "--data", points.toString(), "--out", model.toString()),
                "--out: '" + model + "' is the file --model reads");
        Path link = Files.createSymbolicLink(dir.resolve("link.pfgm"), model);
        refused(run("nll", "--model", model.toString(), "--data", points.toString(), "--out", link.toString()),
                "is the file --model reads");
        refused(run("encode", "--model", model.toString(), "--data", points.toString(), "--out",
                dir.resolve(".").resolve("points.npy").toString()), "is the file --data reads");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(model)), "the model is unchanged");
        Path grid = dir.resolve("same.png");
        refused(run("sample", "--model", imageModel.toString(), "--count", "2", "--out", grid.toString(), "--grid",
                grid.toString()), "--grid: '" + grid + "' is also --out");
        assertFalse(Files.exists(grid));
        // retraining a model in place is what a user means by --init M --out M: allowed
        Path copy = Files.copy(imageModel, dir.resolve("retrained.pfgm"));
        Run again = run("train", "--data", "builtin:discs", "--init", copy.toString(), "--out", copy.toString(),
                "--steps", "1");
        assertEquals(0, again.code(), again.err());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(imageModel), Files.readAllBytes(copy)), "retrained");
    }

    @Test
    void anOutputNamedForAnotherFormatIsRefusedBeforeAnythingRuns() throws IOException {
        Path points = dir.resolve("few.npy");
        DataFiles.writeNpy(points, new float[] {0.1f, 0.2f, -0.3f, 0.4f}, 2, 2);
        // nll, encode and decode write .npy bytes, interpolate and --grid a PNG, whatever the name said
        Path csv = dir.resolve("nll.csv");
        refused(run("nll", "--model", model.toString(), "--data", points.toString(), "--out", csv.toString()),
                "--out: '" + csv + "' must end in .npy (the file written is NPY)");
        refused(run("encode", "--model", model.toString(), "--data", points.toString(), "--out", csv.toString()),
                "must end in .npy");
        refused(run("decode", "--model", model.toString(), "--latent", points.toString(), "--out",
                dir.resolve("x.txt").toString()), "must end in .npy");
        Path npy = dir.resolve("strip.npy");
        refused(run("interpolate", "--model", imageModel.toString(), "--data", "builtin:discs", "--from", "0", "--to",
                "1", "--steps", "3", "--out", npy.toString()), "--out: '" + npy + "' must end in .png");
        refused(run("sample", "--model", imageModel.toString(), "--count", "2", "--out",
                dir.resolve("s.npy").toString(), "--grid", dir.resolve("g.jpg").toString()), "--grid: ");
        for (String name : new String[] {"nll.csv", "x.txt", "strip.npy", "s.npy", "g.jpg"}) {
            assertFalse(Files.exists(dir.resolve(name)), name + " was written");
        }
        Path upper = dir.resolve("NLL.NPY");
        Run ok = run("nll", "--model", model.toString(), "--data", points.toString(), "--out", upper.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.exists(upper), "the extension is matched in any case");
    }

    @Test
    void anInputTheRunFolderWouldReplaceIsRefused() throws IOException {
        // --config DIR/loss.csv with --run DIR: the settings file became the loss log
        Path runDir = Files.createDirectories(dir.resolve("run-here"));
        Path settings = Files.writeString(runDir.resolve("loss.csv"), Files.readString(dir.resolve("tiny-unet.json")));
        byte[] before = Files.readAllBytes(settings);
        refused(run("train", "--data", "builtin:discs", "--out", dir.resolve("r.pfgm").toString(), "--steps", "2",
                "--run", runDir.toString(), "--config", settings.toString()), "--config: '" + settings
                + "' is in the run folder");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(settings)), "the settings file is unchanged");
        assertFalse(Files.exists(dir.resolve("r.pfgm")));
        // the default run folder, MODEL.run, too
        Path model = dir.resolve("d.pfgm");
        Path inDefault = Files.createDirectories(dir.resolve("d.pfgm.run")).resolve("preview-0000001.png");
        Files.writeString(inDefault, Files.readString(dir.resolve("tiny-unet.json")));
        refused(run("train", "--data", "builtin:discs", "--out", model.toString(), "--steps", "2", "--config",
                inDefault.toString()), "is in the run folder");
    }
    @Test
    void anInputTheOutputFolderWouldReplaceIsRefused() throws IOException {
        // synthesize --model D/report.json --out D replaced the model with the report
        Path out = Files.createDirectories(dir.resolve("synth-here"));
        for (String name : new String[] {"report.json", "part-00000.npy", ".part-00000.npy.tmp", "manifest.json"}) {
            Path inside = Files.copy(model, out.resolve(name));
            refused(run("synthesize", "--model", inside.toString(), "--count", "5", "--out", out.toString()),
                    "--model: '" + inside + "' is in the output folder");
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(model), Files.readAllBytes(inside)), name + " unchanged");
            Files.delete(inside);
        }
        Path data = Files.writeString(out.resolve("part-00003.csv"), "a,b\n1,2\n3,4\n");
        refused(run("synthesize", "--model", model.toString(), "--count", "5", "--out", out.toString(), "--resume",
                "--data", data.toString()), "--data: '" + data + "' is in the output folder");
        assertEquals("a,b\n1,2\n3,4\n", Files.readString(data), "the data file unchanged");
        Files.delete(data);
        Path kept = Files.copy(model, out.resolve("my.pfgm"));
        Run ok = run("synthesize", "--model", kept.toString(), "--count", "5", "--out", out.toString(), "--no-report");
        assertEquals(0, ok.code(), "a file of another name there is the user's: " + ok.err());
    }

    /**
     * A model records its training data by absolute path, and the commands that read it by default
     * check that it is still that data: synthesize's filter and report compared with whatever file
     * now had the recorded name (a relative one, resolved against another folder).
     */
    @Test
    void theRecordedTrainingDataIsReadByAbsolutePathAndChecked() throws IOException {
        Path table = dir.resolve("recorded.csv");
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 200; i++) {
            csv.append(Math.sin(i)).append(',').append(Math.cos(0.7 * i)).append('\n');
        }
        Files.writeString(table, csv);
        Path relative = Path.of("").toAbsolutePath().relativize(table);
        Path m = dir.resolve("recorded.pfgm");
        Run t = run("train", "--data", relative.toString(), "--out", m.toString(), "--steps", "20", "--config",
                dir.resolve("small.json").toString());
        assertEquals(0, t.code(), t.err());
        assertEquals(table.toString(), dev.pfgm.engine.model.ModelFile.read(m, "m").provenance().dataSource());
        Run filtered = run("synthesize", "--model", m.toString(), "--count", "5", "--out", dir.resolve("rec-1").toString(),
                "--min-log-density-quantile", "0.01", "--no-report");
        assertEquals(0, filtered.code(), "the recorded data is found and is the same: " + filtered.err());
        Files.writeString(table, csv.append("0.5,0.5\n"));
        refused(run("synthesize", "--model", m.toString(), "--count", "5", "--out", dir.resolve("rec-2").toString(),
                "--min-log-density-quantile", "0.01", "--no-report"), "is not the data it was trained on");
        Run reported = run("synthesize", "--model", m.toString(), "--count", "5", "--out", dir.resolve("rec-3").toString());
        assertEquals(0, reported.code(), reported.err());
        JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("rec-3").resolve("report.json").toFile());
        assertTrue(report.toString().contains("is not the data it was trained on"), report.toString());
    }
    /** Files refused on their first bytes or their size, before they are read whole. */
    @Test
    void aLargeFileThatIsNoModelOrSettingsIsRefusedUnread() throws IOException {
        Path sparse = dir.resolve("sparse.pfgm");
        try (var f = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(300L << 20); // 300 MB of zeros, read whole it took memory past -Xmx
        }
        refused(run("sample", "--model", sparse.toString(), "--count", "2", "--out", dir.resolve("sp.npy").toString()),
                "is not a pfgm model file (not a zip file)");
        refused(run("synthesize", "--model", sparse.toString(), "--count", "2", "--out", dir.resolve("sp").toString()),
                "is not a pfgm model file (not a zip file)");
        Files.delete(sparse);
        Path settings = Files.writeString(dir.resolve("huge.json"), "{\"steps\": 3" + " ".repeat(2 << 20) + "}");
        refused(run("train", "--data", "builtin:moons", "--out", dir.resolve("h.pfgm").toString(), "--config",
                settings.toString()), "a settings file may have at most 1 MiB");
    }
    /** A refusal is the only line on stderr: train's header line came before the trainer's checks. */
    @Test
    void aConstantColumnIsTheOneLineOnStderr() throws IOException {
        Path table = Files.writeString(dir.resolve("constant.csv"), "a,b\n1,5\n2,5\n3,5\n4,5\n");
        Run r = run("train", "--data", table.toString(), "--out", dir.resolve("c.pfgm").toString(), "--steps", "5");
        refused(r, "column 1 is constant");
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    /** synthesize wrote its report over a report.json already in --out (the user's, from anything). */
    @Test
    void aReportInTheOutputFolderIsNotReplaced() throws IOException {
        Path out = Files.createDirectories(dir.resolve("has-report"));
        Path mine = Files.writeString(out.resolve("report.json"), "{\"mine\": true}");
        refused(run("synthesize", "--model", model.toString(), "--count", "5", "--out", out.toString()),
                "holds a report.json that this run would replace");
        assertEquals("{\"mine\": true}", Files.readString(mine));
        Run without = run("synthesize", "--model", model.toString(), "--count", "5", "--out", out.toString(),
                "--no-report");
        assertEquals(0, without.code(), without.err());
        assertEquals("{\"mine\": true}", Files.readString(mine), "no report asked for: it stays");
    }
}
