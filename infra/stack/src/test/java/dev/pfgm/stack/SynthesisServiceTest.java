package dev.pfgm.stack;

import static dev.pfgm.stack.ServiceTest.assertProblem;
import static dev.pfgm.stack.ServiceTest.submit;
import static dev.pfgm.stack.ServiceTest.waitFor;
import static dev.pfgm.stack.ServiceTest.waitTerminal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.NpyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk synthesis on the real stack: the same job gives byte-identical parts with one worker and
 * with three (one of them SIGKILLed in the middle of a shard); cancellation keeps the committed
 * parts; a filter keeps the count exact; formats read back; a worker with a small heap writes an
 * output several times its size; bad parameters are refused before anything is queued.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SynthesisServiceTest {
    @TempDir
    static Path tmp;
    @AutoClose
    Stack stack;
    Http api;
    String model;
    final List<Process> processes = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 1, ServiceTest.QUICK_RECOVERY));
        api = new Http(stack.url(), stack.adminKey());
        JsonNode t = waitTerminal(api, submit(api, Map.of("type", "train", "dataset", "builtin:moons",
                "params", Map.of("steps", 400, "hidden", 32, "batch", 128, "large_batch", 1024, "warmup", 50))), 180);
        assertEquals("succeeded", t.path("status").asText(), t.toString());
        model = t.path("result").path("model").asText();
    }

    @AfterAll
    void stopWorkerProcesses() {
        processes.forEach(Process::destroyForcibly);
    }

    private String synthesize(Map<String, Object> params) {
        return submit(api, Map.of("type", "synthesize", "model", model, "params", params));
    }

    private JsonNode manifest(String job) {
        Http.Res m = api.get("/v1/jobs/" + job + "/artifacts/manifest.json");
        assertEquals(200, m.status(), m.toString());
        return m.json();
    }

    /** Every file of every page of a job's artifacts, by name; checks each against its listed size and checksum. */
    private Map<String, byte[]> download(String job) {
        Map<String, byte[]> out = new HashMap<>();
        String next = "/v1/jobs/" + job + "/artifacts?limit=2";
        while (next != null && !next.equals("null")) {
            JsonNode page = api.get(next).json();
            for (JsonNode f : page.path("files")) {
                byte[] b = Http.fetch(f.path("url").asText()).raw().body();
                assertEquals(f.path("bytes").asLong(), b.length, f.toString());
                assertEquals(f.path("sha256").asText(), DataFiles.sha256(b), f.toString());
                out.put(f.path("name").asText(), b);
            }
            next = page.path("has_more").asBoolean() ? page.path("next").asText() : null;
        }
        return out;
    }

    private Process workerProcess(String id, String heap) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, heap, "-cp", System.getProperty("java.class.path"),
                "dev.pfgm.worker.WorkerMain", "--env", stack.envFile().toString());
        pb.environment().put("PFGM_WORKER_ID", id);
        pb.redirectErrorStream(true);
        pb.redirectOutput(tmp.resolve(id + ".log").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static final Map<String, Object> SPEC = Map.of("count", 60_000, "shard_size", 6_000, "seed", 11,
            "solver", "rk45", "report", false);

    @Test
    @Order(1)
    void partsAreTheSameBytesWithOneWorkerOrThreeWithOneKilled() throws Exception {
        String one = synthesize(SPEC);
        JsonNode a = waitTerminal(api, one, 300);
        assertEquals("succeeded", a.path("status").asText(), a.toString());
        assertEquals(60_000, a.path("result").path("rows").asLong());
        assertEquals(10, a.path("result").path("parts").asInt());
        JsonNode ma = manifest(one);
        assertEquals(10, ma.path("parts").size());
        Map<String, byte[]> filesA = download(one);
        assertEquals(11, filesA.size(), filesA.keySet().toString());
        long rows = 0;
        for (int k = 0; k < 10; k++) {
            JsonNode p = ma.path("parts").get(k);
            assertEquals(String.format("part-%05d.npy", k), p.path("name").asText());
            assertEquals(k * 6000L, p.path("first_row").asLong());
            NpyFile.Array arr = NpyFile.parse(filesA.get(p.path("name").asText()), "part");
            assertEquals(6000, arr.shape()[0]);
            rows += arr.shape()[0];
        }
        assertEquals(60_000, rows);

        // two more workers in their own JVMs; one is killed while it holds a shard
        Process victim = workerProcess("victim", "-Xmx1g");
        workerProcess("helper", "-Xmx1g");
        awaitJoined("victim");
        awaitJoined("helper");
        String three = synthesize(SPEC);
        JsonNode running = waitFor(api, three, j -> shardsOf(three).contains("victim"), 120);
        victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        JsonNode b = waitTerminal(api, three, 300);
        assertEquals("succeeded", b.path("status").asText(), b.toString() + " after " + running);
        JsonNode mb = manifest(three);
        Set<String> workers = new HashSet<>();
        int retried = 0;
        for (int k = 0; k < 10; k++) {
            JsonNode pa = ma.path("parts").get(k);
            JsonNode pb = mb.path("parts").get(k);
            assertEquals(pa.path("sha256").asText(), pb.path("sha256").asText(), "part " + k);
            assertEquals(pa.path("bytes").asLong(), pb.path("bytes").asLong());
            workers.add(pb.path("worker").asText());
            retried += pb.path("attempt").asInt() > 1 ? 1 : 0;
            assertTrue(!pb.path("worker").asText().equals("victim") || pb.path("attempt").asInt() == 1);
        }
        assertTrue(retried >= 1, "the killed worker's shard was retried elsewhere: " + mb.path("parts"));
        assertTrue(workers.size() >= 2, "shards spread over the workers: " + workers);
        Map<String, byte[]> filesB = download(three);
        for (String name : filesA.keySet()) {
            if (name.startsWith("part-")) {
                assertTrue(java.util.Arrays.equals(filesA.get(name), filesB.get(name)), name);
            }
        }
        for (Process p : processes) {
            stop(p);
        }
    }

    /**
     * Stops a worker process as an operator would (SIGTERM): its consumer leaves the group at once,
     * where a SIGKILLed one held its partitions for the session timeout and the next test's job waited.
     */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    /** Waits until a worker process says it joined the stack. */
    private static void awaitJoined(String id) throws Exception {
        Path log = tmp.resolve(id + ".log");
        for (int i = 0; i < 600; i++) {
            if (Files.exists(log) && Files.readString(log).contains("joined")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("worker " + id + " did not start: " + (Files.exists(log) ? Files.readString(log) : ""));
    }

    /** The workers named in a synthesis's running shards. */
    private String shardsOf(String job) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode s : api.get("/v1/jobs/" + job + "/shards?limit=1000").json().path("data")) {
            if (s.path("status").asText().equals("running")) {
                sb.append(s.path("worker").asText()).append(' ');
            }
        }
        return sb.toString();
    }

    @Test
    @Order(2)
    void cancellingKeepsTheCommittedParts() throws Exception {
        String id = synthesize(Map.of("count", 200_000, "shard_size", 4_000, "seed", 2, "report", false));
        waitFor(api, id, j -> j.path("progress").path("shards").path("succeeded").asInt() >= 2, 120);
        Http.Res c = api.postJson("/v1/jobs/" + id + "/cancel", "");
        assertEquals(200, c.status(), c.toString());
        JsonNode done = waitTerminal(api, id, 30);
        assertEquals("cancelled", done.path("status").asText(), done.toString());
        JsonNode shards = api.get("/v1/jobs/" + id + "/shards?limit=1000").json();
        String map = shards.path("map").asText();
        assertEquals(50, map.length());
        assertTrue(!map.contains("q") && !map.contains("r"), map);
        int committed = shards.path("counts").path("succeeded").asInt();
        assertTrue(committed >= 2 && committed < 50, map);
        Map<String, byte[]> files = download(id);
        assertEquals(committed, files.size(), "a cancelled synthesis lists its committed parts: " + files.keySet());
        for (String name : files.keySet()) {
            int k = Integer.parseInt(name.substring(5, 10));
            assertEquals('s', map.charAt(k), name);
            assertEquals(4000, NpyFile.parse(files.get(name), name).shape()[0]);
        }
        assertProblem(api.get("/v1/jobs/" + id + "/artifacts/manifest.json"), 404, null);
    }

    @Test
    @Order(3)
    void aFilterKeepsTheCountExactAndFormatsReadBack() throws Exception {
        String id = synthesize(Map.of("count", 3000, "shard_size", 1000, "seed", 4, "solver", "heun", "steps", 20,
                "log_density", true, "format", "parquet", "filter", Map.of("min_log_density_quantile", 0.1),
                "report", false));
        JsonNode j = waitTerminal(api, id, 300);
        assertEquals("succeeded", j.path("status").asText(), j.toString());
        double threshold = j.path("result").path("threshold").asDouble();
        assertTrue(j.path("result").path("candidates").asLong() > 3000, j.toString());
        Map<String, byte[]> files = download(id);
        Path dir = Files.createDirectories(tmp.resolve("parquet"));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), min(log_density), count(DISTINCT x0) FROM read_parquet('"
                        + dir + "/part-*.parquet')")) {
            rs.next();
            assertEquals(3000, rs.getLong(1));
            assertTrue(rs.getDouble(2) >= threshold, rs.getDouble(2) + " below " + threshold);
            assertTrue(rs.getLong(3) > 2900, "distinct rows");
        }

        // report on (the default for tables): the train job kept a tenth of the rows out, the report's floor
        String csv = synthesize(Map.of("count", 500, "shard_size", 200, "solver", "euler", "steps", 5, "format", "csv"));
        assertEquals("succeeded", waitTerminal(api, csv, 120).path("status").asText());
        Map<String, byte[]> parts = download(csv);
        JsonNode report = Http.JSON.readTree(parts.get("report.json"));
        assertEquals(500, report.path("rows").path("synthetic").asInt());
        assertEquals(2000, report.path("rows").path("held_out").asInt(), "a tenth of builtin:moons' 20,000 rows");
        assertTrue(report.path("quality").path("sliced_wasserstein").path("gaussian").asDouble() > 0, report.toString());
        assertTrue(report.path("privacy").path("dcr_median").path("held_out").asDouble() > 0, report.toString());
        JsonNode preview = api.get("/v1/jobs/" + csv + "/preview").json();
        assertEquals("synthesis", preview.path("kind").asText());
        assertEquals(report.path("quality"), preview.path("report").path("quality"));
        int rows = 0;
        assertEquals(5, parts.size(), parts.keySet().toString());
        for (int k = 0; k < 3; k++) {
            String text = new String(parts.get(String.format("part-%05d.csv", k)), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.startsWith("x0,x1\n"), text.substring(0, 20));
            rows += (int) text.lines().count() - 1;
        }
        assertEquals(500, rows);
    }

    @Test
    @Order(4)
    void aSmallHeapWritesAnOutputSeveralTimesItsSize() throws Exception {
        stack.stopWorkers();
        Process small = workerProcess("small-heap", "-Xmx64m");
        awaitJoined("small-heap");
        // a tiny network and one Euler step: 24 million 2-D rows (192 MB of float32) in seconds
        JsonNode t = waitTerminal(api, submit(api, Map.of("type", "train", "dataset", "builtin:moons",
                "params", Map.of("steps", 50, "hidden", 8, "depth", 1, "batch", 64, "large_batch", 256))), 120);
        String tiny = t.path("result").path("model").asText();
        String small1 = submit(api, Map.of("type", "synthesize", "model", tiny, "params", Map.of("count", 2_000_000,
                "shard_size", 500_000, "solver", "euler", "steps", 1, "report", false)));
        assertEquals("succeeded", waitTerminal(api, small1, 120).path("status").asText());
        long peakSmall = peakRss(small);
        String big = submit(api, Map.of("type", "synthesize", "model", tiny, "params", Map.of("count", 24_000_000,
                "shard_size", 500_000, "solver", "euler", "steps", 1, "report", false)));
        JsonNode done = waitTerminal(api, big, 300);
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        assertEquals(192_000_000L + 48 * 128, done.path("result").path("bytes").asLong());
        long peakBig = peakRss(small);
        assertTrue(small.isAlive(), "the worker survived");
        // peak resident memory: 12 times the rows cost at most a few MB more (allocation noise), not 12 times
        assertTrue(peakBig < peakSmall + (64L << 20), "peak RSS " + (peakSmall >> 20) + " MB for 2M rows, "
                + (peakBig >> 20) + " MB for 24M");
        stop(small);
        stack.addWorker();
    }

    /** A process's peak resident set (VmHWM), in bytes. */
    private static long peakRss(Process p) {
        long bytes = dev.pfgm.shared.ProcessMemory.peakResidentBytes(p.pid());
        if (bytes < 0) {
            throw new AssertionError("no VmHWM for " + p.pid());
        }
        return bytes;
    }

    @Test
    @Order(7)
    void labelledDataTrainConditionalModelsAndSynthesisKeepsClassCountsExact() throws Exception {
        // three blobs in a CSV whose "kind" column is the class
        StringBuilder csv = new StringBuilder("kind,x,y\n");
        java.util.Random r = new java.util.Random(5);
        double[][] centres = {{-2, 0}, {2, 0}, {0, 2.5}};
        for (int i = 0; i < 3000; i++) {
            int k = i % 3;
            csv.append(k).append(',').append(centres[k][0] + 0.3 * r.nextGaussian()).append(',')
                    .append(centres[k][1] + 0.3 * r.nextGaussian()).append('\n');
        }
        byte[] body = csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertProblem(api.postBytes("/v1/datasets?name=blobs&format=csv&label_column=colour", body), 422,
                "/query/label_column");
        assertProblem(api.postBytes("/v1/datasets?name=blobs&format=csv&label_column=x", body), 422,
                "/query/label_column");
        Http.Res up = api.postBytes("/v1/datasets?name=blobs&format=csv&label_column=kind", body);
        assertEquals(201, up.status(), up.toString());
        assertEquals(2, up.json().path("dim").asInt(), "the label column leaves the features");
        assertEquals(3, up.json().path("labels").path("classes").asInt(), up.toString());
        assertEquals("kind", up.json().path("labels").path("column").asText());
        JsonNode t = waitTerminal(api, submit(api, Map.of("type", "train", "dataset", up.json().path("id").asText(),
                "params", Map.of("steps", 800, "hidden", 32, "batch", 128, "large_batch", 512))), 180);
        assertEquals("succeeded", t.path("status").asText(), t.toString());
        String conditional = t.path("result").path("model").asText();
        assertEquals(3, api.get("/v1/models/" + conditional).json().path("metrics").path("classes").asInt());
        // the model file names the column its classes came from (synthesize --data splits a table by it)
        Path modelFile = tmp.resolve("conditional.pfgm");
        Files.write(modelFile, api.get("/v1/jobs/" + t.path("id").asText() + "/artifacts/model.pfgm").raw().body());
        assertEquals("kind", ModelFile.read(modelFile, "model").labelColumn());

        String id = submit(api, Map.of("type", "synthesize", "model", conditional, "params", Map.of("count", 900,
                "shard_size", 400, "classes", Map.of("0", 600, "2", 300), "guidance", 2, "format", "csv")));
        JsonNode done = waitTerminal(api, id, 180);
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        Map<String, byte[]> files = download(id);
        int[] seen = new int[3];
        double[] meanY = new double[3];
        for (String name : files.keySet()) {
            if (!name.startsWith("part-")) {
                continue;
            }
            String[] lines = new String(files.get(name), java.nio.charset.StandardCharsets.UTF_8).split("\n");
            assertEquals("x,y,label", lines[0]);
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split(",");
                int k = Integer.parseInt(f[2]);
                seen[k]++;
                meanY[k] += Double.parseDouble(f[1]);
            }
        }
        assertEquals(600, seen[0]);
        assertEquals(0, seen[1]);
        assertEquals(300, seen[2]);
        assertTrue(meanY[0] / 600 < 0.7 && meanY[2] / 300 > 1.8, "the classes' rows sit at their blobs: mean y "
                + meanY[0] / 600 + " and " + meanY[2] / 300);
        JsonNode m = manifest(id);
        assertEquals(600, m.path("totals").path("class_counts").path("0").asLong());

        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", conditional,
                "params", Map.of("count", 100, "classes", Map.of("0", 60, "1", 30)))), 422, "/params/classes");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", conditional,
                "params", Map.of("count", 100, "classes", Map.of("3", 100)))), 422, "/params/classes");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", conditional,
                "params", Map.of("count", 100, "classes", "many"))), 422, "/params/classes");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", conditional,
                "params", Map.of("count", 100, "guidance", 21))), 422, "/params/guidance");
        // generate takes a class too
        JsonNode g = waitTerminal(api, submit(api, Map.of("type", "generate", "model", conditional,
                "params", Map.of("count", 50, "class", 1, "solver", "heun", "steps", 20))), 120);
        assertEquals("succeeded", g.path("status").asText(), g.toString());

        // image datasets take a labels file after their upload; its count is checked
        String discs = ServiceTest.uploadDiscs(api, 40);
        java.io.ByteArrayOutputStream labels = new java.io.ByteArrayOutputStream();
        float[] l = new float[40];
        for (int i = 0; i < 40; i++) {
            l[i] = i % 2;
        }
        NpyFile.writeFloat32(labels, l, new long[] {40});
        java.io.ByteArrayOutputStream short39 = new java.io.ByteArrayOutputStream();
        NpyFile.writeFloat32(short39, java.util.Arrays.copyOf(l, 39), new long[] {39});
        assertProblem(api.postBytes("/v1/datasets/" + discs + "/labels?format=npy", short39.toByteArray()), 422, "/body");
        assertProblem(api.postBytes("/v1/datasets/" + discs + "/labels?format=xml", labels.toByteArray()), 400,
                "/query/format");
        // far more bytes than 40 labels take, in any format: refused before it is parsed
        assertProblem(api.postBytes("/v1/datasets/" + discs + "/labels?format=csv", new byte[5000]), 422, "/body");
        // a gzipped IDX labels file that unpacks past its 40 labels is refused unread
        java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(bomb)) {
            gz.write(new byte[] {0, 0, 8, 1, 0, 0, 0, 40});
            gz.write(new byte[4_000_000]);
        }
        assertTrue(bomb.size() < 4736, "the bomb is small: " + bomb.size());
        assertProblem(api.postBytes("/v1/datasets/" + discs + "/labels?format=idx", bomb.toByteArray()), 422, "/body");
        Http.Res lab = api.postBytes("/v1/datasets/" + discs + "/labels?format=npy", labels.toByteArray());
        assertEquals(200, lab.status(), lab.toString());
        assertEquals("[20,20]", lab.json().path("labels").path("counts").toString());
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "train", "dataset", discs,
                "params", Map.of("aug_dim", 1))), 422, "/params/aug_dim");
        // a queued or running job trains on the labels it was checked against: new ones wait for its end
        String training = submit(api, Map.of("type", "train", "dataset", discs, "params", Map.of("steps", 100_000)));
        float[] flipped = new float[40];
        for (int i = 0; i < 40; i++) {
            flipped[i] = i < 30 ? 0 : 1;
        }
        java.io.ByteArrayOutputStream relabel = new java.io.ByteArrayOutputStream();
        NpyFile.writeFloat32(relabel, flipped, new long[] {40});
        Http.Res busy = api.postBytes("/v1/datasets/" + discs + "/labels?format=npy", relabel.toByteArray());
        assertEquals(409, busy.status(), busy.toString());
        assertTrue(busy.text().contains(training), busy.toString());
        assertEquals("[20,20]", api.get("/v1/datasets/" + discs).json().path("labels").path("counts").toString());
        api.postJson("/v1/jobs/" + training + "/cancel", "");
        waitTerminal(api, training, 60);
        Http.Res relabelled = api.postBytes("/v1/datasets/" + discs + "/labels?format=npy", relabel.toByteArray());
        assertEquals(200, relabelled.status(), relabelled.toString());
        assertEquals("[30,10]", relabelled.json().path("labels").path("counts").toString());
        var objects = new dev.pfgm.shared.store.ObjectStore(stack.config());
        assertEquals(1, objects.list("datasets/" + discs + "/").stream().filter(k -> k.contains("/labels")).count(),
                "the labels replaced are deleted");
        assertEquals(204, api.delete("/v1/datasets/" + discs).status());
        assertEquals(List.of(), objects.list("datasets/" + discs + "/"), "a dataset's delete takes its labels file too");
    }

    @Test
    @Order(6)
    void aWholeStackRestartResumesFromTheCommittedShards() throws Exception {
        Map<String, Object> spec = Map.of("count", 80_000, "shard_size", 4_000, "seed", 21, "report", false);
        String id = synthesize(spec);
        waitFor(api, id, j -> j.path("progress").path("shards").path("succeeded").asInt() >= 3, 120);
        stack.close();
        Map<Integer, String> before = new HashMap<>();
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 0, ServiceTest.QUICK_RECOVERY));
        api = new Http(stack.url(), stack.adminKey());
        // with no worker yet, what was committed before the restart is still there
        for (JsonNode sh : api.get("/v1/jobs/" + id + "/shards?limit=1000").json().path("data")) {
            if (sh.path("status").asText().equals("succeeded")) {
                before.put(sh.path("index").asInt(), sh.path("sha256").asText() + " " + sh.path("attempt").asInt());
            }
        }
        assertTrue(before.size() >= 3 && before.size() < 20, before.toString());
        stack.addWorker();
        JsonNode done = waitTerminal(api, id, 300);
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        JsonNode m = manifest(id);
        for (JsonNode p : m.path("parts")) {
            String was = before.get(p.path("index").asInt());
            if (was != null) {
                assertEquals(was, p.path("sha256").asText() + " " + p.path("attempt").asInt(), "kept, not redrawn");
            }
        }
        // and the whole is what an uninterrupted run of the same spec gives
        String again = synthesize(spec);
        assertEquals("succeeded", waitTerminal(api, again, 300).path("status").asText());
        JsonNode clean = manifest(again);
        assertEquals(20, clean.path("parts").size());
        for (int k = 0; k < 20; k++) {
            assertEquals(clean.path("parts").get(k).path("sha256"), m.path("parts").get(k).path("sha256"), "part " + k);
        }
    }

    @Test
    @Order(5)
    void badParametersAreRefusedAndQueueNothing() {
        long before = api.get("/v1/jobs?limit=200&type=synthesize").json().path("data").size();
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 0))), 422, "/params/count");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 1_000_000_001L))), 422, "/params/count");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 100, "shard_size", 101))), 422, "/params/shard_size");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 1_000_000_000, "shard_size", 10))), 422, "/params/shard_size");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 100, "shard_size", 40_000_000))), 422, "/params/shard_size");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 100, "format", "xlsx"))), 422, "/params/format");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 100, "format", "png-tar"))), 422, "/params/format");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 100, "classes", "balanced"))), 422, "/params/classes");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 100, "classes", Map.of("0", 100)))), 422, "/params/classes");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 100, "filter", Map.of("min_log_density_quantile", 1.5)))), 422,
                "/params/filter/min_log_density_quantile");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 100, "estimator", "exact", "probes", 4))), 422, "/params/probes");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model,
                "params", Map.of("count", 100, "colour", "red"))), 422, "/params/colour");
        assertProblem(api.postJson("/v1/jobs", Map.of("type", "synthesize", "model", model)), 422, null);
        assertEquals(before, api.get("/v1/jobs?limit=200&type=synthesize").json().path("data").size(),
                "refused jobs queue nothing");
        assertProblem(api.get("/v1/jobs/" + java.util.UUID.randomUUID() + "/shards"), 404, null);
    }
}
