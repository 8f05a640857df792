package dev.pfgm.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line contract, run in-process: summaries, determinism, per-sample seeds and the
 * handling of bad input (exit 2, one line naming the problem, no output file).
 */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path model;
    static Path data;

    record Run(int code, String out, String err) {
        JsonNode summary() throws IOException {
            List<String> lines = out.lines().filter(l -> l.startsWith("{")).toList();
            return JSON.readTree(lines.get(lines.size() - 1));
        }
    }

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static String p(String name) {
        return dir.resolve(name).toString();
    }

    @BeforeAll
    static void trainSmallModel() throws IOException {
        // three blobs, as the contract checker makes them
        int n = 1500;
        float[] v = new float[n * 2];
        var r = dev.pfgm.engine.random.SeedPlan.of(1);
        double[][] centres = {{-2, 0}, {2, 0}, {0, 2}};
        for (int i = 0; i < n; i++) {
            double[] c = centres[r.nextInt(3)];
            v[2 * i] = (float) (c[0] + 0.2 * r.nextGaussian());
            v[2 * i + 1] = (float) (c[1] + 0.2 * r.nextGaussian());
        }
        data = dir.resolve("mix.npy");
        DataFiles.writeNpy(data, v, n, 2);
        Files.writeString(dir.resolve("small.json"),
                "{\"hidden\": 32, \"depth\": 2, \"batch\": 64, \"large_batch\": 512}");
        model = dir.resolve("m");
        Run t = run("train", "--data", data.toString(), "--out", model.toString(), "--steps", "200", "--seed", "3",
                "--config", p("small.json"));
        assertEquals(0, t.code(), t.err());
    }

    @Test
    void trainSummaryAndModelFile() throws IOException {
        Run t = run("train", "--data", "builtin:ring8", "--out", p("r.model"), "--steps", "20", "--seed", "3",
                "--config", p("small.json"));
        assertEquals(0, t.code(), t.err());
        JsonNode s = t.summary();
        for (String key : List.of("model", "steps", "seconds", "final_loss")) {
            assertTrue(s.has(key), "train summary lacks " + key);
        }
        assertEquals(20, s.get("steps").asInt());
        assertTrue(Files.size(Path.of(s.get("model").asText())) > 1000);
        assertTrue(t.err().contains("train ") && t.err().contains("ETA"), "progress bar on stderr: " + t.err());
    }

    @Test
    void samplesAreDeterministicAndPerIndex() throws IOException {
        Run a = run("sample", "--model", model.toString(), "--count", "300", "--seed", "5", "--out", p("a.npy"));
        Run b = run("sample", "--model", model.toString(), "--count", "300", "--seed", "5", "--out", p("b.npy"));
        Run c = run("sample", "--model", model.toString(), "--count", "40", "--seed", "5", "--out", p("c.npy"));
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        assertEquals(0, c.code(), c.err());
        for (String key : List.of("count", "nfe", "seconds", "samples_per_second")) {
            assertTrue(a.summary().has(key), "sample summary lacks " + key);
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.npy")), Files.readAllBytes(dir.resolve("b.npy")));
        Dataset all = DataFiles.load(p("a.npy"), "a");
        Dataset few = DataFiles.load(p("c.npy"), "c");
        assertArrayEquals(Arrays.copyOf(all.values(), 80), few.values());
        Run h = run("sample", "--model", model.toString(), "--count", "10", "--solver", "heun", "--steps", "8",
                "--out", p("h.npy"));
        assertEquals(15.0, h.summary().get("nfe").asDouble(), 1e-9);
    }

    @Test
    void nllEncodeAndDecode() throws IOException {
        Run n = run("nll", "--model", model.toString(), "--data", data.toString(), "--out", p("n.npy"));
        assertEquals(0, n.code(), n.err());
        for (String key : List.of("count", "mean_nll_nats", "bits_per_dim", "nfe")) {
            assertTrue(n.summary().has(key), "nll summary lacks " + key);
        }
        assertEquals(n.summary().get("mean_nll_nats").asDouble() / (2 * Math.log(2)),
                n.summary().get("bits_per_dim").asDouble(), 1e-9);
        assertEquals("exact", n.summary().get("estimator").asText());
        Run h = run("nll", "--model", model.toString(), "--data", data.toString(), "--out", p("nh.npy"),
                "--hutchinson", "2");
        assertEquals("hutchinson", h.summary().get("estimator").asText());
        // Hutchinson's estimate is unbiased: over 1,500 points its mean is the exact one's, and
        // per point it differs (a wrong trace, or the exact one reported twice, fails one of the two)
        double exact = n.summary().get("mean_nll_nats").asDouble();
        double estimated = h.summary().get("mean_nll_nats").asDouble();
        assertEquals(exact, estimated, HUTCHINSON_MEAN_TOLERANCE, "Hutchinson's mean against the exact one");
        Dataset exactRows = DataFiles.load(p("n.npy"), "n");
        Dataset estimatedRows = DataFiles.load(p("nh.npy"), "nh");
        assertTrue(!Arrays.equals(exactRows.values(), estimatedRows.values()), "the estimator differs per point");

        assertEquals(0, run("encode", "--model", model.toString(), "--data", data.toString(), "--out", p("z.npy"))
                .code());
        Run d = run("decode", "--model", model.toString(), "--latent", p("z.npy"), "--out", p("x.npy"));
        assertEquals(0, d.code(), d.err());
        Dataset x = DataFiles.load(data.toString(), "x");
        Dataset z = DataFiles.load(p("z.npy"), "z");
        Dataset y = DataFiles.load(p("x.npy"), "y");
        assertEquals(x.count(), y.count());
        // the latent is far from the point (on the plane z = z_max), and decoding brings the point back
        double worst = 0;
        double mean = 0;
        double latentNorm = 0;
        for (int i = 0; i < x.count(); i++) {
            double dx = x.values()[2 * i] - y.values()[2 * i];
            double dy = x.values()[2 * i + 1] - y.values()[2 * i + 1];
            worst = Math.max(worst, Math.hypot(dx, dy));
            mean += Math.hypot(dx, dy) / x.count();
            latentNorm += Math.hypot(z.values()[2 * i], z.values()[2 * i + 1]) / x.count();
        }
        System.out.printf("round trip: mean error %.2e, worst %.2e, mean latent norm %.1f%n", mean, worst, latentNorm);
        // RK45's tolerance (1e-4, relative) applies at the latents' scale (~120) too: measured mean
        // 5.7e-3, worst 0.022 on this 20-step model; an identity "decode" would be ~120 off
        assertTrue(mean < 0.015 && worst < 0.06, "round trip: mean error " + mean + ", worst " + worst);
        assertTrue(latentNorm > 10, "latents lie far out on the prior's plane: mean norm " + latentNorm);
    }

    /** Measured: see the test's first run; a few times the spread of 1,500 two-probe estimates' mean. */
    private static final double HUTCHINSON_MEAN_TOLERANCE = 0.05;

    @Test
    void samplesGoToCsvWithTheTrainingDataColumnNames() throws IOException {
        StringBuilder csv = new StringBuilder("height cm,\"weight, kg\"\n");
        var r = dev.pfgm.engine.random.SeedPlan.of(4);
        for (int i = 0; i < 600; i++) {
            csv.append(170 + 8 * r.nextGaussian()).append(',').append(70 + 9 * r.nextGaussian()).append('\n');
        }
        Files.writeString(dir.resolve("people.csv"), csv);
        assertEquals(0, run("train", "--data", p("people.csv"), "--out", p("people.model"), "--steps", "30",
                "--config", p("small.json")).code());
        Run s = run("sample", "--model", p("people.model"), "--count", "25", "--seed", "2", "--out", p("people-out.csv"));
        assertEquals(0, s.code(), s.err());
        List<String> lines = Files.readAllLines(dir.resolve("people-out.csv"));
        assertEquals("height cm,\"weight, kg\"", lines.get(0), "the header is the training data's, quoted as needed");
        assertEquals(26, lines.size());
        // the same samples as the .npy, to float32 precision: CSV is another encoding, not another draw
        assertEquals(0, run("sample", "--model", p("people.model"), "--count", "25", "--seed", "2", "--out",
                p("people-out.npy")).code());
        double[] npy = dev.pfgm.shared.data.NpyFile.parse(Files.readAllBytes(dir.resolve("people-out.npy")), "x").values();
        String[] first = lines.get(1).split(",");
        assertEquals((float) npy[0], Float.parseFloat(first[0]));
        assertEquals((float) npy[1], Float.parseFloat(first[1]));
        Run bad = run("sample", "--model", p("people.model"), "--count", "5", "--out", p("people.parquet"));
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("error: --out:") && bad.err().contains(".npy or .csv"), bad.err());
        assertFalse(Files.exists(dir.resolve("people.parquet")));
    }

    @Test
    void badInputEndsWithOneClearLineAndNoOutput() throws IOException {
        Files.write(dir.resolve("empty.npy"), new byte[0]);
        Files.writeString(dir.resolve("rag.csv"), "1,2\n3\n");
        Files.writeString(dir.resolve("nan.csv"), "1,2\nnan,3\n");
        Files.write(dir.resolve("junk.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) 0xff,
                (byte) 0xff, '{'});
        DataFiles.writeNpy(dir.resolve("d3.npy"), new float[30], 10, 3);
        String out = p("out.npy");
        List<String[]> cases = List.of(
                new String[] {"train", "--data", p("nan.csv"), "--out", out, "--steps", "5"},
                new String[] {"train", "--data", p("empty.npy"), "--out", out, "--steps", "5"},
                new String[] {"train", "--data", p("junk.npy"), "--out", out, "--steps", "5"},
                new String[] {"train", "--data", p("rag.csv"), "--out", out, "--steps", "5"},
                new String[] {"train", "--data", p("nope.npy"), "--out", out, "--steps", "5"},
                new String[] {"train", "--data", data.toString(), "--out", out, "--steps", "0"},
                new String[] {"train", "--data", data.toString(), "--out", p("no/such/dir/m")},
                new String[] {"nll", "--model", model.toString(), "--data", p("d3.npy"), "--out", out},
                new String[] {"sample", "--model", model.toString(), "--count", "-5", "--out", out},
                new String[] {"sample", "--model", model.toString(), "--count", "5", "--bogus", "1", "--out", out},
                new String[] {"sample", "--model", model.toString(), "--count", "5", "--solver", "rk4", "--out", out},
                new String[] {"sample", "--model", p("nope.model"), "--count", "5", "--out", out},
                new String[] {"sample", "--model", data.toString(), "--count", "5", "--out", out},
                new String[] {"decode", "--model", model.toString(), "--latent", p("d3.npy"), "--out", out},
                new String[] {"sample", "--model", model.toString(), "--out", out});
        for (String[] args : cases) {
            Run r = run(args);
            String name = String.join(" ", args);
            assertEquals(2, r.code(), name + " -> " + r.err());
            assertFalse(Files.exists(Path.of(out)), name + " left an output file");
            List<String> lines = r.err().lines().toList();
            assertEquals(1, lines.size(), name + " should print one line: " + r.err());
            assertTrue(lines.get(0).startsWith("error: "), name + ": " + lines.get(0));
            assertFalse(r.err().contains(".java:"), name + " printed a stack trace");
        }
        assertTrue(run(cases.get(0)).err().contains("nan.csv: line 2, column 1 is 'nan'"));
        assertTrue(run(cases.get(7)).err().contains("has 3 columns but the model was trained on 2"));
        assertTrue(run(cases.get(8)).err().contains("--count"));
        assertTrue(run(cases.get(9)).err().contains("unknown option --bogus"));
    }

    /** What picocli refuses while binding arguments also ends in one line naming the option, exit 2. */
    @Test
    void malformedArgumentsAreRefusedNamingTheOption() throws IOException {
        String out = p("out.npy");
        String m = model.toString();
        // were "@FILE" expanded, this would sample into out.npy
        Path argsFile = Files.writeString(dir.resolve("args.txt"), "--seed 3");
        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of("sample", "--model", m, "--count", "abc", "--out", out), "sample: --count: 'abc' is not an integer");
        cases.put(List.of("sample", "--model", m, "--count", "99999999999", "--out", out), "--count: '99999999999' is not an integer");
        cases.put(List.of("sample", "--model", m, "--count", "5", "--out"), "sample: --out needs a value");
        cases.put(List.of("sample", "--model", m, "--model", m, "--count", "5", "--out", out), "sample: --model is given twice");
        cases.put(List.of("sample", "--model", "", "--count", "5", "--out", out), "--model: must not be empty");
        cases.put(List.of("sample", "--model", "a\0b", "--count", "5", "--out", out), "--model: contains a NUL character");
        cases.put(List.of("sample", "--count", "5", "--out", out), "sample: --model is required");
        // an unknown option is the mistake named, even when a required one is missing too
        cases.put(List.of("sample", "--bogus", "--count", "5"), "sample: unknown option --bogus");
        // a line break in a value echoed back stays one line
        cases.put(List.of("sample", "--model", p("a\nb.model"), "--count", "5", "--out", out), "a\\nb.model");
        cases.put(List.of("sample", "--model", m, "--count", "5", "--out", out, "@" + argsFile),
                "sample: unexpected argument '@");
        cases.put(List.of("nll", "--model", m, "--data", data.toString(), "--out", out, "--rtol", "2"),
                "--rtol: must be a number in [1.0E-10, 1), got 2.0");
        // below 1e-10 float32 networks cannot meet it: 1e-14 ran minutes and ended as an internal failure
        cases.put(List.of("sample", "--model", m, "--count", "5", "--out", out, "--atol", "1e-14"),
                "--atol: must be a number in [1.0E-10, 1), got 1.0E-14");
        cases.put(List.of("sample", "--model", m, "--count", "5", "--out", out, "--steps", "1e3"), "--steps: '1e3' is not an integer");
        // numbers are ASCII decimals: Java's parsers took an Arabic-Indic 3, a hex float and a d suffix
        cases.put(List.of("sample", "--model", m, "--count", "\u0663", "--out", out), "--count: '\u0663' is not an integer");
        cases.put(List.of("sample", "--model", m, "--count", "5", "--out", out, "--seed", "0x10"), "--seed: '0x10' is not an integer");
        cases.put(List.of("sample", "--model", m, "--count", "5", "--out", out, "--rtol", "0x1p-10"),
                "--rtol: '0x1p-10' is not a number");
        cases.put(List.of("sample", "--model", m, "--count", "5", "--out", out, "--atol", "1e-3d"), "--atol: '1e-3d' is not a number");
        cases.put(List.of("sample", "--model", m, "--count", "5", "--out", out, "--rtol", "1e999"), "--rtol: '1e999' is not a number");
        // below the solver's bound: found when the study's training had ended
        cases.put(List.of("bench-sampling", "--data", "builtin:moons", "--steps", "5", "--tolerances", "1e-12", "--out",
                p("study")), "--tolerances: '1e-12' is not a tolerance in [1.0E-10, 1)");
        cases.put(List.of("classifier"), "classifier: the only subcommand is 'train'");
        // delete takes one of an exclusive group: refused before any service is called
        cases.put(List.of("delete"), "delete: one of --id, --dataset or --model is required");
        cases.put(List.of("delete", "--model"), "delete: --model needs a value");
        cases.put(List.of("delete", "--dataset", "d", "--model", "m"),
                "delete: --dataset=ID, --model=ID are mutually exclusive (specify only one)");
        cases.put(List.of("classifier", "train", "--data", data.toString(), "--labels", data.toString(), "--out", out,
                "--epochs", "0"), "--epochs: must be an integer in [1, 1000], got 0");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            Run r = run(c.getKey().toArray(String[]::new));
            String name = String.join(" ", c.getKey());
            assertEquals(2, r.code(), name + " -> " + r.err());
            assertEquals(List.of("error: "), r.err().lines().map(l -> l.substring(0, Math.min(7, l.length()))).toList(),
                    name + " should print one error line: " + r.err());
            assertTrue(r.err().contains(c.getValue()), name + ": " + r.err());
            assertFalse(Files.exists(Path.of(out)), name + " left an output file");
        }
        Run plain = run("sample", "--model", m, "--count", "+3", "--out", out, "--rtol", "5E-4", "--atol", ".001",
                "--seed", "007");
        assertEquals(0, plain.code(), "the decimals a user writes still read: " + plain.err());
    }

    /** The completion script, run by bash as its completion would, completes a command and an option. */
    @Test
    void completionScriptCompletesCommandsAndOptions() throws Exception {
        Run r = run("completion");
        assertEquals(0, r.code(), r.err());
        Path script = Files.writeString(dir.resolve("pfgm-completion.bash"), r.out());
        String probe = "source '" + script + "' 2>/dev/null; "
                + "COMP_WORDS=(./pfgm sam); COMP_CWORD=1; _complete_pfgm 2>/dev/null; echo \"${COMPREPLY[*]}\"; "
                + "COMP_WORDS=(./pfgm sample --guid); COMP_CWORD=2; _complete_pfgm 2>/dev/null; echo \"${COMPREPLY[*]}\"";
        Process bash = new ProcessBuilder("bash", "-c", probe).redirectErrorStream(true).start();
        List<String> lines = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, bash.waitFor());
        assertEquals(List.of("sample", "--guidance --guidance-interval"), lines);
    }

    /**
     * The data limits a refusal names are read from the environment, as the service reads them: a
     * table of 4 columns passes the default 10,000 and is refused at 3, and a malformed value is one
     * line naming the variable; model files are not data. In a child JVM, which is what an
     * environment takes.
     */
    @Test
    void dataLimitsComeFromTheEnvironment() throws Exception {
        Path csv = Files.writeString(dir.resolve("four.csv"), "a,b,c,d\n1,2,3,4\n5,6,7,9\n2,4,6,1\n");
        String[] train = {"train", "--data", csv.toString(), "--out", p("four.model"), "--steps", "1"};
        Run lowered = child(Map.of("PFGM_MAX_COLUMNS", "3"), train);
        assertEquals(2, lowered.code(), lowered.err());
        assertEquals(1, lowered.err().strip().lines().count(), lowered.err());
        assertTrue(lowered.err().contains("4 columns, more than the 3 allowed (PFGM_MAX_COLUMNS)"), lowered.err());
        Run malformed = child(Map.of("PFGM_MAX_COLUMNS", "many"), train);
        assertEquals(2, malformed.code(), malformed.err());
        assertTrue(malformed.err().strip().lines().count() == 1 && malformed.err().contains("PFGM_MAX_COLUMNS must be an"
                + " integer"), malformed.err());
        assertFalse(Files.exists(dir.resolve("four.model")));
        // a model's weights are the engine's own file: a lowered data limit leaves them readable
        assertEquals(0, run("train", "--data", "builtin:ring8", "--out", p("limits.model"), "--steps", "5").code());
        Run sampled = child(Map.of("PFGM_MAX_DATASET_VALUES", "10"), "sample", "--model", p("limits.model"), "--count",
                "3", "--out", p("limits.npy"));
        assertEquals(0, sampled.code(), sampled.err());
    }

    /** The command line in a JVM of its own, with {@code env} added to this one's environment. */
    /**
     * A malformed setting in up's environment is one line and exit 2 before anything starts: it was
     * found after PostgreSQL had started, which the failed start left running.
     */
    @Test
    void upRefusesAMalformedSettingBeforeStartingAnything() throws Exception {
        Path stackDir = dir.resolve("never-started");
        Run r = child(Map.of("PFGM_WEBHOOK_ALLOW_PRIVATE", "true"), "up", "--data-dir", stackDir.toString(), "--port", "0");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("PFGM_WEBHOOK_ALLOW_PRIVATE must be an integer, got 'true'"), r.err());
        assertFalse(Files.exists(stackDir), "nothing started, nothing written");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            Run busy = child(Map.of(), "up", "--data-dir", stackDir.toString(), "--port",
                    Integer.toString(taken.getLocalPort()));
            assertEquals(2, busy.code(), busy.err());
            assertEquals(1, busy.err().strip().lines().count(), busy.err());
            assertTrue(busy.err().contains("--port: " + taken.getLocalPort() + " is in use"), busy.err());
            assertFalse(Files.exists(stackDir), "nothing started for a taken port either");
        }
    }

    /**
     * A worker whose work folder cannot be written refuses to start, naming the setting: it started,
     * said it was ready, and failed every job it took on every attempt.
     */
    @Test
    void aWorkerRefusesAWorkFolderItCannotWrite() throws Exception {
        Run r = child(Map.of("PFGM_DB_URL", "jdbc:postgresql://127.0.0.1:1/none", "PFGM_KAFKA_BOOTSTRAP", "127.0.0.1:1",
                "PFGM_S3_ENDPOINT", "http://127.0.0.1:1", "PFGM_S3_ACCESS_KEY", "a", "PFGM_S3_SECRET_KEY", "b",
                "PFGM_WORK_DIR", "/proc/version/work"), "worker");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("error: PFGM_WORK_DIR: cannot write in '/proc/version/work'")),
                r.err());
    }

    static Run child(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), "dev.pfgm.launcher.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the child JVM ended");
        return new Run(p.exitValue(), out, new String(err.get(), StandardCharsets.UTF_8));
    }

    @Test
    void helpAndUnknownCommand() {
        Run h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("train") && h.out().contains("bench"));
        Run u = run("fly");
        assertEquals(2, u.code());
        assertTrue(u.err().startsWith("error: unknown command 'fly'"));
        Run uh = run("fly", "--help");
        assertEquals(2, uh.code());
        assertTrue(uh.err().startsWith("error: unknown command 'fly'"), uh.err());
        Run o = run("--bogus");
        assertEquals(2, o.code());
        assertEquals("error: unknown option --bogus; ./pfgm --help lists the commands", o.err().strip());
        assertTrue(run("train", "--help").out().contains("--config"));
        Run sampleHelp = run("sample", "--model", "x", "--bogus", "--help");
        assertEquals(0, sampleHelp.code(), sampleHelp.err());
        assertTrue(sampleHelp.out().contains("--guidance-interval=LO,HI"), sampleHelp.out());
        Run version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("pfgm "), version.out());
        Run none = run();
        assertEquals(2, none.code());
        assertTrue(none.out().contains("synthesize"), none.out());
    }
}
