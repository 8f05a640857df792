package dev.pfgm.stack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.shared.config.Settings;
import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.job.JobType;
import dev.pfgm.shared.job.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * The service end to end on real components: PostgreSQL, Kafka in KRaft mode and an S3 server,
 * all started here, with the gateway and workers over HTTP. One stack for the class keeps CI fast;
 * leases are short so the failure tests run in seconds.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceTest {
    @TempDir
    static Path tmp;
    @AutoClose
    Stack stack;
    Http admin;
    /**
     * What several tests use, made once by whichever test asks first (so each test runs alone too,
     * and a failed training fails the tests that need it with its own message, not a null).
     */
    private Trained vector;
    private Trained image;

    /** A dataset, the train job that learned it, and its model. */
    record Trained(String dataset, JsonNode trainJob, String model) {
    }

    /** 3,000 correlated Gaussian pairs and a 600-step model of them. */
    Trained vector() throws Exception {
        if (vector == null) {
            Http.Res up = admin.postBytes("/v1/datasets?name=gauss&format=npy", npy(gaussianPairs(3000, 1)));
            assertEquals(201, up.status(), up.toString());
            String ds = up.json().path("id").asText();
            JsonNode t = waitTerminal(admin, submit(admin, Map.of("type", "train", "dataset", ds,
                    "params", Map.of("steps", 600, "seed", 3))), 180);
            assertEquals("succeeded", t.path("status").asText(), t.toString());
            vector = new Trained(ds, t, t.path("result").path("model").asText());
        }
        return vector;
    }

    /** Procedural discs and a tiny U-Net trained 120 steps on them, with previews and checkpoints. */
    Trained image() throws Exception {
        if (image == null) {
            String ds = uploadDiscs();
            Map<String, Object> params = new java.util.HashMap<>(TINY_UNET);
            params.putAll(Map.of("steps", 120, "preview_every", 60, "checkpoint_every", 60));
            JsonNode t = waitTerminal(admin, submit(admin, Map.of("type", "train", "dataset", ds, "params", params)), 180);
            assertEquals("succeeded", t.path("status").asText(), t.toString());
            image = new Trained(ds, t, t.path("result").path("model").asText());
        }
        return image;
    }

    /**
     * Settings under which a lost worker's job comes back within seconds: 3 s leases, the reaper
     * every 300 ms, no retry backoff, and the shortest Kafka session the broker allows.
     */
    static final Map<String, String> QUICK_RECOVERY = Map.of(Settings.LEASE_SECONDS.name(), "3",
            Settings.REAPER_MILLIS.name(), "300", Settings.RETRY_BACKOFF_SECONDS.name(), "0",
            Settings.KAFKA_SESSION_MS.name(), "6000");

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 1, QUICK_RECOVERY));
        admin = new Http(stack.url(), stack.adminKey());
    }

    // ---- helpers ----

    static byte[] npy(double[][] rows) throws IOException {
        float[] v = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[0].length; j++) {
                v[i * rows[0].length + j] = (float) rows[i][j];
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpyFile.writeFloat32(out, v, rows.length, rows[0].length);
        return out.toByteArray();
    }

    static double[][] gaussianPairs(int n, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][2];
        for (double[] row : rows) {
            row[0] = r.nextGaussian();
            row[1] = 0.5 * r.nextGaussian() + 1;
        }
        return rows;
    }

    /** An IDX images file of {@code n} images h x w; {@code level} gives value v's pixel (v counts over all pixels). */
    static byte[] idxImages(int n, int h, int w, java.util.function.IntUnaryOperator level) {
        java.nio.ByteBuffer idx = java.nio.ByteBuffer.allocate(16 + n * h * w);
        idx.putInt(0x00000803).putInt(n).putInt(h).putInt(w);
        for (int v = 0; v < n * h * w; v++) {
            idx.put((byte) level.applyAsInt(v));
        }
        return idx.array();
    }

    static JsonNode waitFor(Http api, String jobId, Predicate<JsonNode> until, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode j = null;
        while (System.nanoTime() < deadline) {
            Http.Res r = api.get("/v1/jobs/" + jobId);
            assertEquals(200, r.status(), r.toString());
            j = r.json();
            if (until.test(j)) {
                return j;
            }
            Thread.sleep(100);
        }
        fail("job " + jobId + " did not reach the expected state in " + seconds + " s; last: " + j);
        return null;
    }

    static JsonNode waitTerminal(Http api, String jobId, int seconds) throws InterruptedException {
        return waitFor(api, jobId, j -> j.path("terminal").asBoolean(), seconds);
    }

    static String submit(Http api, Object body) {
        Http.Res r = api.postJson("/v1/jobs", body);
        assertEquals(202, r.status(), r.toString());
        assertEquals("/v1/jobs/" + r.json().path("id").asText(), r.header("Location"));
        return r.json().path("id").asText();
    }

    static void assertProblem(Http.Res r, int status, String pointerOrNull) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.header("Content-Type").startsWith("application/problem+json"), r.header("Content-Type"));
        JsonNode p = r.json();
        for (String f : List.of("type", "title", "status", "detail")) {
            assertTrue(p.hasNonNull(f), "problem lacks " + f + ": " + p);
        }
        assertEquals(status, p.path("status").asInt());
        if (pointerOrNull != null) {
            boolean found = false;
            for (JsonNode e : p.path("errors")) {
                found |= e.path("pointer").asText().equals(pointerOrNull) && !e.path("message").asText().isEmpty();
            }
            assertTrue(found, "no error at " + pointerOrNull + ": " + p);
        }
    }

    List<String> statusEvents(Http api, String jobId) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : api.get("/v1/jobs/" + jobId + "/events?after=0&limit=1000").json().path("data")) {
            if (e.path("kind").asText().equals("status")) {
                out.add(e.path("data").path("status").asText());
            }
        }
        return out;
    }

    // ---- tests ----

    @Test
    @Order(1)
    void trainGenerateLikelihoodOverHttp() throws Exception {
        Trained v = vector();
        String datasetId = v.dataset();
        JsonNode ds = admin.get("/v1/datasets/" + datasetId).json();
        assertEquals(datasetId, ds.path("id").asText());
        assertEquals(3000, ds.path("count").asInt());
        assertEquals(2, ds.path("dim").asInt());

        JsonNode t = v.trainJob();
        String train = t.path("id").asText();
        assertEquals(1, t.path("attempt").asInt());
        assertEquals(1.0, t.path("progress").path("fraction").asDouble());
        JsonNode tr = t.path("result");
        assertEquals(600, tr.path("steps").asInt());
        assertTrue(tr.path("final_loss").asDouble() > 0 && tr.path("seconds").asDouble() > 0, tr.toString());
        assertFalse(tr.has("artifacts"), "object keys stay internal: " + tr);
        String modelId = v.model();
        assertEquals(modelId, tr.path("model").asText());

        JsonNode model = admin.get("/v1/models/" + modelId).json();
        assertEquals(2, model.path("dim").asInt());
        assertEquals(train, model.path("training_job").asText());
        assertEquals(600, model.path("settings").path("steps").asInt());
        boolean listed = false;
        for (JsonNode m : admin.get("/v1/models").json().path("data")) {
            listed |= m.path("id").asText().equals(modelId);
        }
        assertTrue(listed);
        Set<String> trainFiles = new HashSet<>();
        for (JsonNode f : admin.get("/v1/jobs/" + train + "/artifacts").json().path("files")) {
            trainFiles.add(f.path("name").asText());
        }
        assertEquals(Set.of("model.pfgm", "loss.csv"), trainFiles);
        // downloads stream through the gateway (no public object-store endpoint is configured)
        Http.Res loss = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv");
        assertEquals(200, loss.status(), loss.toString());
        assertEquals("attachment; filename=\"loss.csv\"", loss.header("Content-Disposition"));
        assertEquals("bytes", loss.header("Accept-Ranges"));
        String lossCsv = loss.text();
        assertTrue(lossCsv.startsWith("step,loss\n1,"), lossCsv.substring(0, 40));
        assertEquals(601, lossCsv.strip().split("\n").length);
        // HEAD: the GET's headers without its body (it was a 405)
        Http.Res head = admin.head("/v1/jobs/" + train + "/artifacts/loss.csv");
        assertEquals(200, head.status(), head.toString());
        assertEquals(String.valueOf(lossCsv.length()), head.header("Content-Length"));
        assertEquals(loss.header("ETag"), head.header("ETag"));
        assertEquals("", head.text());
        Http.Res jobHead = admin.head("/v1/jobs/" + train);
        assertEquals(200, jobHead.status(), jobHead.toString());
        assertEquals(admin.get("/v1/jobs/" + train).header("ETag"), jobHead.header("ETag"));
        assertEquals("", jobHead.text());
        Http.Res part = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of("Range", "bytes=5-14"));
        assertEquals(206, part.status(), part.toString());
        assertEquals("bytes 5-14/" + lossCsv.length(), part.header("Content-Range"));
        assertEquals(lossCsv.substring(5, 15), part.text());
        Http.Res tail = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of("Range", "bytes=-7"));
        assertEquals(lossCsv.substring(lossCsv.length() - 7), tail.text());
        // past the end: 416 as problem+json with the file's length (the store's own answer had neither, and
        // relaying it logged an exception for every request)
        Http.Res past = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of("Range", "bytes=999999999-"));
        assertProblem(past, 416, null);
        assertEquals("bytes */" + lossCsv.length(), past.header("Content-Range"));
        // a start of 19 digits or more is past the end as well (it was read as no range: 200, the whole file);
        // a last position past 2^63 is the end of the file; the unit's name is case-insensitive
        for (String huge : List.of("bytes=1000000000000000000-", "bytes=99999999999999999999999999-")) {
            assertProblem(admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of("Range", huge)), 416, null);
        }
        Http.Res rest = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of("Range",
                "bytes=5-9223372036854775807"));
        assertEquals(206, rest.status(), rest.toString());
        assertEquals(lossCsv.substring(5), rest.text());
        Http.Res upper = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of("Range", "BYTES=5-14"));
        assertEquals(206, upper.status(), upper.toString());
        // conditional headers that do not parse are ignored (RFC 9110), not a store's 400 turned into a 500
        for (String h : List.of("If-Modified-Since", "If-None-Match", "If-Range")) {
            Http.Res whole = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of(h, "yesterday"));
            assertEquals(200, whole.status(), h + ": " + whole);
            assertEquals(lossCsv, whole.text());
        }
        // If-None-Match by weak comparison, a list or "*", and If-Modified-Since at the file's own date: 304
        // (the store answered 200 to all but the exact tag)
        String tag = loss.header("ETag");
        for (Map<String, String> h : List.of(Map.of("If-None-Match", tag), Map.of("If-None-Match", "W/" + tag),
                Map.of("If-None-Match", "\"other\", " + tag), Map.of("If-None-Match", "*"),
                Map.of("If-Modified-Since", loss.header("Last-Modified")))) {
            Http.Res cached = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", h);
            assertEquals(304, cached.status(), h + ": " + cached);
            assertEquals("", cached.text());
            assertEquals(tag, cached.header("ETag"));
        }
        assertEquals(200, admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of("If-None-Match", "\"other\"",
                "If-Modified-Since", loss.header("Last-Modified"))).status(), "If-None-Match decides when given");
        // If-Range: the part only while the file is the one the client's validator names
        Map<String, String> stale = Map.of("Range", "bytes=5-14", "If-Range", "\"not-this-version\"");
        Http.Res full = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", stale);
        assertEquals(200, full.status(), full.toString());
        assertEquals(lossCsv, full.text());
        Http.Res same = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of("Range", "bytes=5-14",
                "If-Range", loss.header("ETag")));
        assertEquals(206, same.status(), same.toString());
        assertEquals(lossCsv.substring(5, 15), same.text());
        // the conditions before the range (RFC 9110 section 13.2.2), past the end too: 304 for the version the
        // client holds, the whole file when If-Range does not hold (both were 416)
        assertEquals(304, admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of("Range", "bytes=999999999-",
                "If-None-Match", tag)).status());
        Http.Res stalePast = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of("Range", "bytes=999999999-",
                "If-Range", "\"not-this-version\""));
        assertEquals(200, stalePast.status(), stalePast.toString());
        assertEquals(lossCsv, stalePast.text());
        assertEquals(404, admin.get("/v1/jobs/" + train + "/artifacts/nope.csv").status());
        for (String hostile : List.of("bytes=abc", "bytes=5-1", "items=0-1", "bytes=0-1,3-4,6-7" + ",9-10".repeat(200),
                "bytes=99999999999999999999999-")) {
            int status = admin.get("/v1/jobs/" + train + "/artifacts/loss.csv", Map.of("Range", hostile)).status();
            assertTrue(status == 200 || status == 206 || status == 416, hostile + " -> " + status);
        }
        // a listing's link needs no key; altered in any part it is refused
        String link = null;
        for (JsonNode f : admin.get("/v1/jobs/" + train + "/artifacts").json().path("files")) {
            link = f.path("name").asText().equals("loss.csv") ? f.path("url").asText() : link;
        }
        assertTrue(link.startsWith(stack.url() + "/v1/files/"), link);
        assertEquals(lossCsv, Http.fetch(link).text());
        String[] parts = link.split("/v1/files/", 2)[1].split("/", 2);
        long expires = Long.parseLong(parts[0].substring(0, parts[0].indexOf('.')));
        String sig = parts[0].substring(parts[0].indexOf('.'));
        for (String forged : List.of(stack.url() + "/v1/files/" + (expires + 3600) + sig + "/" + parts[1],
                link.replace("loss.csv", "model.pfgm"), link.replace(sig, "." + (sig.charAt(1) == 'A' ? 'B' : 'A') + sig.substring(2)),
                stack.url() + "/v1/files/garbage/" + parts[1],
                // other spellings of the same link, which reached the file (a fifth fuzzing round)
                stack.url() + "/v1/files/+" + parts[0] + "/" + parts[1], stack.url() + "/v1/files/0" + parts[0] + "/"
                        + parts[1], stack.url() + "/v1/files/" + parts[0] + "/" + parts[1].replace("/", "%2F"),
                stack.url() + "/v1/files/" + parts[0] + "/x/../" + parts[1],
                stack.url() + "/v1/files/" + parts[0] + "/" + parts[1].replaceFirst("/", "//"))) {
            Http.Res refused = Http.fetch(forged);
            assertProblem(refused, 403, null);
        }
        assertEquals(lossCsv, Http.fetch(link + "?download=1").text(), "a query is not part of what is signed");

        String gen = submit(admin, Map.of("type", "generate", "model", modelId,
                "params", Map.of("count", 700, "seed", 5, "solver", "heun", "steps", 30)));
        JsonNode g = waitTerminal(admin, gen, 120);
        assertEquals("succeeded", g.path("status").asText(), g.toString());
        assertEquals(700, g.path("result").path("count").asInt());
        assertEquals(59.0, g.path("result").path("nfe").asDouble(), 1e-9);
        JsonNode manifest = admin.get("/v1/jobs/" + gen + "/artifacts").json().path("files").get(0);
        assertEquals("samples.npy", manifest.path("name").asText());
        Http.Res file = Http.fetch(manifest.path("url").asText());
        assertEquals(200, file.status());
        byte[] bytes = file.raw().body();
        assertEquals(manifest.path("bytes").asLong(), bytes.length);
        assertEquals(manifest.path("sha256").asText(), dev.pfgm.shared.data.DataFiles.sha256(bytes));
        NpyFile.Array samples = NpyFile.parse(bytes, "samples.npy");
        assertEquals(List.of(700L, 2L), List.of(samples.shape()[0], samples.shape()[1]));
        double mean1 = 0;
        for (int i = 0; i < 700; i++) {
            double x = samples.values()[2 * i];
            double y = samples.values()[2 * i + 1];
            assertTrue(Double.isFinite(x) && Double.isFinite(y));
            mean1 += y / 700;
        }
        // the data's second column has mean 1: a trained model's samples are near it
        assertEquals(1.0, mean1, 0.25);

        String nll = submit(admin, Map.of("type", "likelihood", "model", modelId, "dataset", datasetId,
                "params", Map.of("estimator", "exact")));
        JsonNode l = waitTerminal(admin, nll, 180);
        assertEquals("succeeded", l.path("status").asText(), l.toString());
        JsonNode lr = l.path("result");
        assertEquals(3000, lr.path("count").asInt());
        double mean = lr.path("mean_nll_nats").asDouble();
        // the data's true entropy is ln(2 pi e) + ln 0.5 = 2.14 nats; 600 steps on such data gave
        // 2.116-2.140 (./pfgm train/nll on three draws); a dropped standardiser log-det would be 0.69 off
        assertEquals(2.14, mean, 0.3, "mean nll");
        assertEquals(mean / (2 * Math.log(2)), lr.path("bits_per_dim").asDouble(), 1e-9);
        Http.Res nllFile = Http.fetch(admin.get("/v1/jobs/" + nll + "/artifacts").json().path("files").get(0)
                .path("url").asText());
        assertEquals(List.of(3000L, 1L), List.of(NpyFile.parse(nllFile.raw().body(), "nll").shape()[0],
                NpyFile.parse(nllFile.raw().body(), "nll").shape()[1]));

        assertEquals(List.of("queued", "running", "succeeded"), statusEvents(admin, gen));

        // the dashboard's previews: the first samples, an NLL histogram, the loss curve
        JsonNode scatter = admin.get("/v1/jobs/" + gen + "/preview").json();
        assertEquals("scatter", scatter.path("kind").asText());
        assertEquals(700, scatter.path("count").asInt());
        assertEquals(samples.values()[1], scatter.path("points").get(0).get(1).asDouble(), 1e-6);
        // the README's generate job writes CSV: its preview is read from samples.csv (it was a 404)
        String genCsv = submit(admin, Map.of("type", "generate", "model", modelId,
                "params", Map.of("count", 50, "seed", 5, "solver", "heun", "steps", 30, "format", "csv")));
        assertEquals("succeeded", waitTerminal(admin, genCsv, 120).path("status").asText());
        JsonNode csvScatter = admin.get("/v1/jobs/" + genCsv + "/preview").json();
        assertEquals("scatter", csvScatter.path("kind").asText(), csvScatter.toString());
        assertEquals(50, csvScatter.path("points").size());
        // the same seed and solver: the same first sample as the .npy job's
        assertEquals(samples.values()[1], csvScatter.path("points").get(0).get(1).asDouble(), 1e-6);
        JsonNode hist = admin.get("/v1/jobs/" + nll + "/preview").json();
        long total = 0;
        for (JsonNode c : hist.path("counts")) {
            total += c.asLong();
        }
        assertEquals(3000, total);
        assertEquals(mean, hist.path("mean").asDouble(), 1e-3);
        JsonNode curve = admin.get("/v1/jobs/" + train + "/preview").json();
        assertEquals(600, curve.path("steps").get(curve.path("steps").size() - 1).asInt());
        boolean progress = false;
        for (JsonNode e : admin.get("/v1/jobs/" + train + "/events").json().path("data")) {
            progress |= e.path("kind").asText().equals("progress");
        }
        assertTrue(progress, "train reported progress events");
        Set<String> kinds = new HashSet<>();
        for (JsonNode e : admin.get("/v1/jobs/" + train + "/events?limit=1000").json().path("data")) {
            kinds.add(e.path("kind").asText());
        }
        assertEquals(Set.of("status", "progress", "log", "metric"), kinds);
    }

    @Test
    @Order(2)
    void etagAndListing() {
        Http.Res list = admin.get("/v1/jobs?limit=2");
        assertEquals(200, list.status());
        assertEquals(304, admin.get("/v1/jobs?limit=2", Map.of("If-None-Match", list.header("ETag"))).status());
        JsonNode page = list.json();
        assertEquals(2, page.path("data").size());
        assertTrue(page.path("has_more").asBoolean());
        Http.Res next = admin.get(page.path("next").asText());
        assertNotEquals(page.path("data").get(0).path("id"), next.json().path("data").get(0).path("id"));
        assertEquals(page.path("data").get(1).path("id").asText(), page.path("next").asText().replaceAll(".*after=", ""));
        Http.Res viaCursor = admin.get("/v1/jobs?limit=2&after="
                + java.net.URLEncoder.encode(page.path("next").asText(), StandardCharsets.UTF_8));
        assertEquals(next.json().path("data"), viaCursor.json().path("data"));
        Http.Res trains = admin.get("/v1/jobs?type=train&status=succeeded");
        for (JsonNode j : trains.json().path("data")) {
            assertEquals("train", j.path("type").asText());
            assertEquals("succeeded", j.path("status").asText());
        }
        String id = page.path("data").get(0).path("id").asText();
        Http.Res one = admin.get("/v1/jobs/" + id);
        String etag = one.header("ETag");
        assertNotNull(etag);
        assertEquals(304, admin.get("/v1/jobs/" + id, Map.of("If-None-Match", etag)).status());
        assertEquals(200, admin.get("/v1/jobs/" + id, Map.of("If-None-Match", "\"0\"")).status());
        assertEquals(304, admin.get("/v1/jobs/" + id, Map.of("If-None-Match", "\"0\", " + etag)).status());
        assertEquals(304, admin.get("/v1/jobs/" + id, Map.of("If-None-Match", "*")).status());
    }

    @Test
    @Order(3)
    void idempotentSubmission() throws Exception {
        String modelId = vector().model();
        Map<String, Object> body = Map.of("type", "generate", "model", modelId, "params", Map.of("count", 10));
        String key = "idem-" + UUID.randomUUID();
        Http.Res a = admin.postJson("/v1/jobs", body, Map.of("Idempotency-Key", key));
        Http.Res b = admin.postJson("/v1/jobs", body, Map.of("Idempotency-Key", key));
        assertEquals(202, a.status());
        assertEquals(202, b.status());
        assertEquals(a.json().path("id"), b.json().path("id"));
        Http.Res c = admin.postJson("/v1/jobs", Map.of("type", "generate", "model", modelId,
                "params", Map.of("count", 11)), Map.of("Idempotency-Key", key));
        assertProblem(c, 422, "/header/Idempotency-Key");
        Http.Res d = admin.postJson("/v1/jobs", body, Map.of("Idempotency-Key", "other-" + key));
        assertNotEquals(a.json().path("id"), d.json().path("id"));
    }

    @Test
    @Order(4)
    void cancelQueuedAndRunning() throws Exception {
        String modelId = vector().model();
        // a long job occupies the only worker, so the next one stays queued
        String running = submit(admin, Map.of("type", "train", "dataset", "builtin:ring8",
                "params", Map.of("steps", 2_000_000)));
        waitFor(admin, running, j -> j.path("status").asText().equals("running")
                && j.path("progress").path("completed").asDouble() > 0, 60);
        String queued = submit(admin, Map.of("type", "generate", "model", modelId, "params", Map.of("count", 10)));
        Http.Res c1 = admin.postJson("/v1/jobs/" + queued + "/cancel", "");
        assertEquals(200, c1.status(), c1.toString());
        assertEquals("cancelled", c1.json().path("status").asText());
        assertEquals("cancelled", admin.postJson("/v1/jobs/" + queued + "/cancel", "").json().path("status").asText());

        Http.Res c2 = admin.postJson("/v1/jobs/" + running + "/cancel", "");
        assertEquals("cancelling", c2.json().path("status").asText());
        JsonNode done = waitTerminal(admin, running, 30);
        assertEquals("cancelled", done.path("status").asText());
        assertTrue(done.path("result").isNull());
        assertEquals(List.of("queued", "running", "cancelling", "cancelled"), statusEvents(admin, running));
        assertEquals(List.of("queued", "cancelled"), statusEvents(admin, queued));
        assertProblem(admin.get("/v1/jobs/" + running + "/artifacts"), 409, null);
    }

    /** Waits until the workers' consumer group has committed every message now in {@code topic}. */
    private void awaitConsumed(String topic, int seconds) throws Exception {
        try (org.apache.kafka.clients.admin.Admin kafka = org.apache.kafka.clients.admin.Admin.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.config().get(Settings.KAFKA)))) {
            var partitions = kafka.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                    new java.util.HashMap<>();
            partitions.forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                    org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var ends = kafka.listOffsets(latest).all().get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                var committed = kafka.listConsumerGroupOffsets(dev.pfgm.worker.Worker.GROUP).partitionsToOffsetAndMetadata()
                        .get();
                boolean all = ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                        || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset()));
                if (all) {
                    return;
                }
                assertTrue(System.nanoTime() < deadline, "the workers did not read all of " + topic + " in " + seconds
                        + " s: ends " + ends + ", committed " + committed);
                Thread.sleep(50);
            }
        }
    }

    @Test
    @Order(5)
    void duplicateMessagesDoNotRunAJobTwice() throws Exception {
        String modelId = vector().model();
        String id = submit(admin, Map.of("type", "generate", "model", modelId, "params", Map.of("count", 300)));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().get(Settings.KAFKA));
        String message = "{\"job_id\":\"" + id + "\",\"type\":\"generate\",\"after_attempt\":0}";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(JobType.GENERATE.topic(), id, message)).get();
            }
        }
        JsonNode j = waitTerminal(admin, id, 60);
        assertEquals("succeeded", j.path("status").asText());
        long version = j.path("version").asLong();
        awaitConsumed(JobType.GENERATE.topic(), 60); // every copy has been read and its claim decided
        JsonNode later = admin.get("/v1/jobs/" + id).json();
        assertEquals(1, later.path("attempt").asInt());
        assertEquals(version, later.path("version").asLong());
        assertEquals(List.of("queued", "running", "succeeded"), statusEvents(admin, id));
    }

    @Test
    @Order(6)
    void gatewayRestartLosesNoAcceptedJob() throws Exception {
        String modelId = vector().model();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(submit(admin, Map.of("type", "generate", "model", modelId, "params", Map.of("count", 20, "seed", i))));
        }
        stack.stopGateway();
        stack.startGateway();
        Http again = new Http(stack.url(), stack.adminKey());
        for (String id : ids) {
            assertEquals("succeeded", waitTerminal(again, id, 60).path("status").asText());
        }
        admin = again;
    }

    @Test
    @Order(7)
    void tenantsSeeOnlyTheirOwn() throws Exception {
        String modelId = vector().model();
        String keyA = admin.postJson("/v1/admin/keys", Map.of("tenant", "acme")).json().path("key").asText();
        Http.Res kb = admin.postJson("/v1/admin/keys", Map.of("tenant", "bravo"));
        assertEquals(201, kb.status(), kb.toString());
        Http a = admin.as(keyA);
        Http b = admin.as(kb.json().path("key").asText());

        String ds = a.postBytes("/v1/datasets?name=mine&format=csv", "x,y\n1,2\n3,4\n5,7\n".getBytes(StandardCharsets.UTF_8))
                .json().path("id").asText();
        String job = submit(a, Map.of("type", "train", "dataset", ds, "params", Map.of("steps", 5)));
        assertEquals(200, a.get("/v1/datasets/" + ds).status());
        assertProblem(b.get("/v1/datasets/" + ds), 404, null);
        assertProblem(b.get("/v1/jobs/" + job), 404, null);
        assertProblem(b.postJson("/v1/jobs/" + job + "/cancel", ""), 404, null);
        assertProblem(b.get("/v1/jobs/" + job + "/events"), 404, null);
        assertProblem(b.delete("/v1/datasets/" + ds), 404, null);
        assertProblem(b.get("/v1/models/" + modelId), 404, null);
        assertProblem(b.postJson("/v1/jobs", Map.of("type", "train", "dataset", ds)), 422, "/dataset");
        assertEquals(0, b.get("/v1/jobs").json().path("data").size());
        assertEquals(0, b.get("/v1/datasets").json().path("data").size());
        JsonNode done = waitTerminal(a, job, 60);
        assertEquals("succeeded", done.path("status").asText());
        // every route that names a job, dataset or model of another tenant answers as if it did not exist
        String aModel = done.path("model").asText();
        assertProblem(b.get("/v1/jobs/" + job + "/artifacts"), 404, null);
        assertProblem(b.get("/v1/jobs/" + job + "/artifacts/model.pfgm"), 404, null);
        assertProblem(b.get("/v1/jobs/" + job + "/preview"), 404, null);
        assertProblem(b.get("/v1/jobs/" + job + "/shards"), 404, null);
        assertProblem(b.get("/v1/models/" + aModel), 404, null);
        assertProblem(b.postBytes("/v1/datasets/" + ds + "/labels?format=csv", "0\n1\n0\n".getBytes(UTF_8)), 404, null);
        assertProblem(b.postJson("/v1/jobs", Map.of("type", "generate", "model", aModel, "params", Map.of("count", 5))),
                422, "/model");
        assertEquals(0, b.get("/v1/models").json().path("data").size());
        assertEquals(0, b.get("/v1/quotas").json().path("usage").path("active_jobs").asInt());
        assertEquals(200, a.get("/v1/jobs/" + job + "/artifacts").status(), "while its owner sees them");

        assertProblem(a.postJson("/v1/admin/keys", Map.of("tenant", "evil")), 403, null);
        String prefix = kb.json().path("prefix").asText();
        assertEquals(204, admin.delete("/v1/admin/keys/" + prefix).status());
        // the gateway remembers a key for a second at most (Auth's cache)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Http.Res refused = b.get("/v1/jobs");
        while (refused.status() != 401 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            refused = b.get("/v1/jobs");
        }
        assertProblem(refused, 401, null);
    }

    @Test
    @Order(8)
    void badRequestsAreProblemsAndChangeNothing() throws Exception {
        String modelId = vector().model();
        long datasetsBefore = admin.get("/v1/datasets").json().path("data").size();
        long jobsBefore = admin.get("/v1/jobs?limit=200").json().path("data").size();

        assertProblem(admin.as(null).get("/v1/jobs"), 401, null);
        assertProblem(admin.as("pfgm_nope").postBytes("/v1/datasets?name=x&format=csv", "1,2\n3,4\n".getBytes(UTF_8)), 401, null);
        assertProblem(admin.as("pfgm_nope").get("/v1/jobs"), 401, null);
        assertProblem(admin.get("/v1/jobs/" + UUID.randomUUID()), 404, null);
        assertProblem(admin.get("/v1/jobs/not-a-uuid"), 404, null);
        assertProblem(admin.get("/v1/nowhere"), 404, null);
        assertProblem(admin.get("/v1/jobs?status=dancing"), 400, "/query/status");
        assertProblem(admin.get("/v1/jobs?limit=0"), 400, "/query/limit");
        assertProblem(admin.postJson("/v1/jobs", "{not json"), 400, "/body");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "sing")), 422, "/type");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "train")), 422, null);
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:nothing")), 422, "/dataset");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "params", Map.of("steps", 0, "colour", "red"))), 422, "/params/steps");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "params", Map.of("colour", "red"))), 422, "/params/colour");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "generate", "model", modelId,
                "params", Map.of("count", -1))), 422, "/params/count");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "generate", "model", UUID.randomUUID().toString(),
                "params", Map.of("count", 1))), 422, "/model");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "generate", "model", modelId,
                "params", Map.of("count", 5, "solver", "magic"))), 422, "/params/solver");
        String threeColumns = admin.postBytes("/v1/datasets?name=three&format=csv",
                "1,2,3\n4,5,6\n".getBytes(StandardCharsets.UTF_8)).json().path("id").asText();
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "likelihood", "model", modelId,
                "dataset", threeColumns)), 422, "/dataset");
        assertEquals(204, admin.delete("/v1/datasets/" + threeColumns).status());

        assertProblem(admin.postBytes("/v1/datasets?name=x&format=csv", "a,b\n1,2\n3\n".getBytes(UTF_8)), 422, "/body");
        assertProblem(admin.postBytes("/v1/datasets?name=x&format=csv", "1,2\nNaN,3\n".getBytes(UTF_8)), 422, "/body");
        assertProblem(admin.postBytes("/v1/datasets?name=x&format=npy", "\u0093NUMPY garbage".getBytes(UTF_8)), 422, "/body");
        assertProblem(admin.postBytes("/v1/datasets?name=x&format=npy", new byte[0]), 422, "/body");
        assertProblem(admin.postBytes("/v1/datasets?name=x&format=parquet", "1".getBytes(UTF_8)), 400, "/query/format");
        assertProblem(admin.postBytes("/v1/datasets?format=csv", "1".getBytes(UTF_8)), 400, "/query/name");

        assertEquals(datasetsBefore, admin.get("/v1/datasets").json().path("data").size());
        assertEquals(jobsBefore, admin.get("/v1/jobs?limit=200").json().path("data").size());
    }

    @Test
    @Order(9)
    void opsEndpoints() throws Exception {
        Http anon = admin.as(null);
        assertEquals(200, anon.get("/healthz").status());
        Http.Res ready = anon.get("/readyz");
        assertEquals(200, ready.status(), ready.toString());
        assertTrue(ready.json().path("kafka").asBoolean());
        String metrics = anon.get("/metrics").text();
        assertTrue(metrics.contains("pfgm_jobs{status=\"succeeded\"}"), metrics);
        assertTrue(metrics.contains("pfgm_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/jobs\""));
        assertTrue(metrics.contains("pfgm_queue_oldest_seconds"));
        java.util.regex.Matcher heap = java.util.regex.Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"} (\\S+)$")
                .matcher(metrics);
        assertTrue(heap.find() && Double.parseDouble(heap.group(1)) > 0, metrics);
        java.util.regex.Matcher rss = java.util.regex.Pattern.compile("(?m)^process_resident_memory_bytes (\\S+)$")
                .matcher(metrics);
        assertTrue(rss.find() && Double.parseDouble(rss.group(1)) > Double.parseDouble(heap.group(1)) / 4, metrics);
        assertTrue(metrics.contains("vertx_http_server_requests_total"), "Vert.x's own metrics too");
        Http.Res doc = anon.get("/openapi.yaml");
        assertEquals(200, doc.status());
        assertTrue(doc.text().startsWith("openapi: 3.1.0"));
        Set<String> topics;
        try (var a = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                stack.config().get(Settings.KAFKA)))) {
            topics = a.listTopics().names().get();
        }
        assertTrue(topics.containsAll(Topics.all()), topics.toString());
    }

    @Test
    @Order(10)
    void killedWorkerProcessJobFinishesOnAnotherWorker() throws Exception {
        stack.stopWorkers();
        Process other = startWorkerProcess();
        try {
            String id = submit(admin, Map.of("type", "train", "dataset", "builtin:moons",
                    "params", Map.of("steps", 2500, "seed", 9)));
            JsonNode running = waitFor(admin, id, j -> j.path("status").asText().equals("running")
                    && j.path("progress").path("completed").asDouble() >= 50, 90);
            assertEquals(1, running.path("attempt").asInt());
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            stack.addWorker();
            JsonNode done = waitTerminal(admin, id, 180);
            assertEquals("succeeded", done.path("status").asText(), done.toString());
            assertEquals(2, done.path("attempt").asInt());
            assertTrue(done.path("error").isNull(), done.toString());
            boolean expired = false;
            for (JsonNode e : admin.get("/v1/jobs/" + id + "/events").json().path("data")) {
                expired |= e.path("data").path("error").path("code").asText().equals("lease_expired");
            }
            assertTrue(expired, "the requeue event names the expired lease");
            List<String> statuses = statusEvents(admin, id);
            assertEquals(List.of("queued", "running", "queued", "running", "succeeded"), statuses);
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    @Order(11)
    void exhaustedAttemptsFailTheJobAndReachTheDeadLetterTopic() throws Exception {
        String ds = admin.postBytes("/v1/datasets?name=doomed&format=csv", "1,2\n3,4\n5,6\n".getBytes(UTF_8))
                .json().path("id").asText();
        // the file vanishes from storage behind the service's back: every attempt fails
        var objects = new dev.pfgm.shared.store.ObjectStore(stack.config());
        for (String key : objects.list("datasets/" + ds + "/")) {
            objects.delete(key);
        }
        String id = submit(admin, Map.of("type", "train", "dataset", ds, "max_attempts", 2, "params", Map.of("steps", 5)));
        JsonNode j = waitTerminal(admin, id, 60);
        assertEquals("failed", j.path("status").asText(), j.toString());
        assertEquals(2, j.path("attempt").asInt());
        assertTrue(j.path("error").path("message").asText().contains("no attempts left"), j.toString());
        assertTrue(j.path("error").path("retryable").asBoolean());
        // the workers count the last attempt as failed, the first as retried (every one counted as retried)
        String scraped = stack.workers().stream().map(w -> w.metrics().scrape()).collect(java.util.stream.Collectors.joining());
        assertTrue(scraped.contains("pfgm_worker_attempt_duration_seconds_count{outcome=\"failed\",type=\"train\""),
                scraped);

        Properties p = new Properties();
        p.put("bootstrap.servers", stack.config().get(Settings.KAFKA));
        p.put("group.id", "test-dlq-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(p,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer())) {
            consumer.subscribe(List.of(Topics.DEAD_LETTER));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (var r : consumer.poll(java.time.Duration.ofMillis(500))) {
                    if (r.key().equals(id)) {
                        JsonNode m = Http.JSON.readTree(r.value());
                        assertEquals("train", m.path("type").asText());
                        assertTrue(m.path("error").path("message").asText().contains("object storage"), m.toString());
                        return;
                    }
                }
            }
        }
        fail("no dead-letter message for job " + id);
    }

    @Test
    @Order(12)
    void imageDatasetsAreValidatedAndStored() throws Exception {
        byte[] tiny = idxImages(3, 5, 6, v -> v * 3);
        Http.Res ok = admin.postBytes("/v1/datasets?name=tiny&format=idx", tiny);
        assertEquals(201, ok.status(), ok.toString());
        JsonNode d = ok.json();
        assertEquals("images", d.path("kind").asText());
        assertEquals(3, d.path("count").asInt());
        assertEquals(30, d.path("dim").asInt());
        assertEquals(5, d.path("image").path("height").asInt());
        assertEquals(6, d.path("image").path("width").asInt());
        long before = admin.get("/v1/datasets").json().path("data").size();

        byte[] claimsMore = tiny.clone();
        claimsMore[7] = 9;
        assertProblem(admin.postBytes("/v1/datasets?name=x&format=idx", claimsMore), 422, "/body");
        byte[] wrongMagic = tiny.clone();
        wrongMagic[3] = 2;
        assertProblem(admin.postBytes("/v1/datasets?name=x&format=idx", wrongMagic), 422, "/body");
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.ZipOutputStream(zip)) {
            for (int size : new int[] {4, 5}) {
                var img = new java.awt.image.BufferedImage(size, 4, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                var png = new java.io.ByteArrayOutputStream();
                javax.imageio.ImageIO.write(img, "png", png);
                z.putNextEntry(new java.util.zip.ZipEntry("img" + size + ".png"));
                z.write(png.toByteArray());
                z.closeEntry();
            }
        }
        Http.Res mixed = admin.postBytes("/v1/datasets?name=x&format=png-zip", zip.toByteArray());
        assertProblem(mixed, 422, "/body");
        assertTrue(mixed.json().path("detail").asText().contains("all images must match"), mixed.toString());
        assertEquals(before, admin.get("/v1/datasets").json().path("data").size(), "refused uploads store nothing");

    }

    private static final Map<String, Object> TINY_UNET = Map.of("unet_width", 8, "unet_levels", 1, "batch", 16,
            "large_batch", 128, "warmup", 20);

    private String uploadDiscs() throws Exception {
        return uploadDiscs(admin, 300);
    }

    /** Uploads {@code count} procedural 16x16 disc images as an image .npy dataset; returns its id. */
    static String uploadDiscs(Http api, int count) throws Exception {
        return uploadDiscs(api, count, 1);
    }

    /** As above, drawn with {@code seed} (another seed: discs the training set does not hold). */
    static String uploadDiscs(Http api, int count, long seed) throws Exception {
        var discs = dev.pfgm.shared.data.ProceduralImages.discs(count, 16, 2.0, 4.0, seed);
        var npy = new java.io.ByteArrayOutputStream();
        dev.pfgm.shared.data.NpyFile.writeFloat32(npy, discs.pixels(), new long[] {count, 16, 16});
        Http.Res up = api.postBytes("/v1/datasets?name=discs&format=npy", npy.toByteArray());
        assertEquals(201, up.status(), up.toString());
        assertEquals("images", up.json().path("kind").asText());
        return up.json().path("id").asText();
    }

    @Test
    @Order(13)
    void imageModelsTrainGenerateAndScore() throws Exception {
        String ds = image().dataset();
        JsonNode train = image().trainJob();
        assertEquals("1x16x16", train.path("result").path("shape").asText());
        List<String> names = new java.util.ArrayList<>();
        admin.get("/v1/jobs/" + train.path("id").asText() + "/artifacts").json().path("files")
                .forEach(a -> names.add(a.path("name").asText()));
        assertTrue(names.containsAll(List.of("model.pfgm", "loss.csv", "preview-0000060.png", "preview-0000120.png")),
                names.toString());
        String model = image().model();
        JsonNode trainPreview = admin.get("/v1/jobs/" + train.path("id").asText() + "/preview").json();
        assertEquals(120, trainPreview.path("grid_step").asInt(), trainPreview.toString());

        JsonNode gen = waitTerminal(admin, submit(admin, Map.of("type", "generate", "model", model,
                "params", Map.of("count", 20, "seed", 4, "solver", "heun", "steps", 20))), 120);
        assertEquals("succeeded", gen.path("status").asText(), gen.toString());
        byte[] samples = download(gen, "samples.npy");
        var arr = dev.pfgm.shared.data.NpyFile.parse(samples, "samples.npy");
        assertEquals(List.of(20L, 1L, 16L, 16L), java.util.Arrays.stream(arr.shape()).boxed().toList());
        byte[] grid = download(gen, "grid.png");
        var img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(grid));
        assertTrue(img.getWidth() > 10 * 16 && img.getHeight() > 2 * 16, img.getWidth() + "x" + img.getHeight());
        JsonNode genPreview = admin.get("/v1/jobs/" + gen.path("id").asText() + "/preview").json();
        assertEquals("image_grid", genPreview.path("kind").asText(), genPreview.toString());
        // guidance needs a class-conditional model (the service trains without labels): refused, no job
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "generate", "model", model,
                "params", Map.of("count", 4, "guidance", 2))), 422, "/params/guidance");
        // an image model's samples are not a table
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "generate", "model", model,
                "params", Map.of("count", 4, "format", "csv"))), 422, "/params/format");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "generate", "model", model,
                "params", Map.of("count", 4, "guidance", 30))), 422, "/params/guidance");
        // the largest count a table model takes is 2.5 GB of images: refused, pointing to synthesize
        Http.Res many = admin.postJson("/v1/jobs", Map.of("type", "generate", "model", model,
                "params", Map.of("count", 10_000_000)));
        assertProblem(many, 422, "/params/count");
        assertTrue(many.text().contains("at most 1048576") && many.text().contains("synthesize"), many.text());
        // accepted with 202 before, from a fifth fuzzing round: 8x32 images have the 16x16 model's 256
        // values, and a likelihood read them as its shape and succeeded; an exact likelihood, an eval
        // against another shape and an MLP past one array failed on the worker
        String wide = admin.postBytes("/v1/datasets?name=wide&format=idx", idxImages(6, 8, 32, v -> v % 251)).json()
                .path("id").asText();
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "likelihood", "model", model,
                "dataset", wide)), 422, "/dataset");
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "encode", "model", model,
                "dataset", wide)), 422, "/dataset");
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "eval", "model", model, "dataset", ds,
                "params", Map.of("train", wide))), 422, "/params/train");
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "likelihood", "model", model, "dataset", ds,
                "params", Map.of("estimator", "exact"))), 422, "/params/estimator");
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "train", "dataset", ds,
                "params", Map.of("hidden", 8192, "depth", 64))), 422, "/params/hidden");
        assertEquals(200, admin.postJson("/v1/jobs/validate", Map.of("type", "likelihood", "model", model,
                "dataset", ds)).status(), "its own shape passes");

        JsonNode nll = waitTerminal(admin, submit(admin, Map.of("type", "likelihood", "model", model, "dataset", ds,
                "params", Map.of("seed", 1))), 300);
        assertEquals("succeeded", nll.path("status").asText(), nll.toString());
        double bits = nll.path("result").path("bits_per_dim").asDouble();
        assertTrue(Double.isFinite(bits) && bits < 8, nll.toString());
        assertEquals("hutchinson", nll.path("result").path("estimator").asText());
    }

    /**
     * The invertible map and the evaluation as jobs: encode then decode gives the data back, an
     * interpolation's strip starts and ends at its rows, a classifier trains on labelled images and
     * an eval job scores the image model with it; wrong kinds of data are refused naming the field.
     */
    @Test
    @Order(14)
    void encodeDecodeInterpolateClassifierAndEvalJobs() throws Exception {
        String imageModel = image().model();
        String imageDataset = image().dataset();
        String modelId = vector().model();
        String datasetId = vector().dataset();
        // vectors: encode 40 rows, upload the latents as they came, decode them: the rows come back
        double[][] rows = gaussianPairs(40, 9);
        Http.Res small = admin.postBytes("/v1/datasets?name=few&format=npy", npy(rows));
        assertEquals(201, small.status(), small.toString());
        Map<String, Object> rk45 = Map.of("solver", "rk45", "rtol", 1e-6, "atol", 1e-6);
        JsonNode enc = waitTerminal(admin, submit(admin, Map.of("type", "encode", "model", modelId,
                "dataset", small.json().path("id").asText(), "params", rk45)), 120);
        assertEquals("succeeded", enc.path("status").asText(), enc.toString());
        assertEquals(40, enc.path("result").path("count").asInt());
        byte[] latents = download(enc, "latents.npy");
        var lat = NpyFile.parse(latents, "latents.npy");
        assertEquals(List.of(40L, 2L), java.util.Arrays.stream(lat.shape()).boxed().toList());
        assertEquals("scatter", admin.get("/v1/jobs/" + enc.path("id").asText() + "/preview").json().path("kind")
                .asText());
        Http.Res latUp = admin.postBytes("/v1/datasets?name=latents&format=npy", latents);
        assertEquals(201, latUp.status(), latUp.toString());
        JsonNode dec = waitTerminal(admin, submit(admin, Map.of("type", "decode", "model", modelId,
                "dataset", latUp.json().path("id").asText(), "params", rk45)), 120);
        assertEquals("succeeded", dec.path("status").asText(), dec.toString());
        double[] back = NpyFile.parse(download(dec, "samples.npy"), "samples.npy").values();
        double worst = 0;
        double moved = 0;
        for (int i = 0; i < 40; i++) {
            for (int k = 0; k < 2; k++) {
                worst = Math.max(worst, Math.abs(back[i * 2 + k] - rows[i][k]));
                moved = Math.max(moved, Math.abs(lat.values()[i * 2 + k] - rows[i][k]));
            }
        }
        assertTrue(worst < 0.02, "decode(encode(x)) is x up to solver tolerance: worst " + worst);
        assertTrue(moved > 1, "the latents are not the data: they moved at most " + moved);

        // images: an interpolation strip whose ends are its rows, as .npy and .png
        JsonNode strip = waitTerminal(admin, submit(admin, Map.of("type", "interpolate", "model", imageModel,
                "dataset", imageDataset, "params", Map.of("from", 3, "to", 7, "frames", 5, "solver", "rk45"))), 300);
        assertEquals("succeeded", strip.path("status").asText(), strip.toString());
        var frames = NpyFile.parse(download(strip, "strip.npy"), "strip.npy");
        assertEquals(List.of(5L, 1L, 16L, 16L), java.util.Arrays.stream(frames.shape()).boxed().toList());
        assertTrue(strip.path("result").path("endpoint_max_abs_error").asDouble() < 0.05, strip.toString());
        var png = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(download(strip, "strip.png")));
        assertTrue(png.getWidth() >= 5 * 16, "five frames side by side: " + png.getWidth());
        assertEquals("image_grid", admin.get("/v1/jobs/" + strip.path("id").asText() + "/preview").json()
                .path("kind").asText());

        // refusals name the field and queue nothing
        long jobsBefore = admin.get("/v1/jobs?limit=200").json().path("data").size();
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "decode", "model", imageModel, "dataset", imageDataset)),
                422, "/dataset");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "interpolate", "model", imageModel, "dataset",
                imageDataset, "params", Map.of("from", 300, "to", 1))), 422, "/params/from");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "interpolate", "model", imageModel, "dataset",
                imageDataset, "params", Map.of("to", 1))), 422, "/params");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "encode", "model", imageModel, "dataset",
                datasetId)), 422, "/dataset");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "classifier", "dataset", imageDataset)), 422, "/dataset");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "eval", "model", modelId, "dataset", imageDataset)),
                422, "/model");
        String wideTable = admin.postBytes("/v1/datasets?name=wide&format=npy", npy(new double[3][256])).json().path("id")
                .asText();
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "eval", "model", imageModel, "dataset", wideTable)),
                422, "/dataset");
        // a table of the image model's width to score: accepted, then refused by the worker (a fourth fuzzing round)
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "likelihood", "model", imageModel, "dataset", wideTable)),
                422, "/dataset");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "eval", "model", imageModel, "dataset", imageDataset,
                "params", Map.of("classifier", enc.path("id").asText()))), 422, "/params/classifier");
        assertEquals(jobsBefore, admin.get("/v1/jobs?limit=200").json().path("data").size(), "refusals queue nothing");

        // a classifier on the discs labelled by size, then an eval that uses it
        var discs = dev.pfgm.shared.data.ProceduralImages.discs(300, 16, 2.0, 4.0, 1);
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            labels.append(dev.pfgm.shared.data.ProceduralImages.measure(discs.pixels(), i * 256, 16).r() > 3 ? 1 : 0)
                    .append('\n');
        }
        Http.Res labelled = admin.postBytes("/v1/datasets/" + imageDataset + "/labels?format=csv",
                labels.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(200, labelled.status(), labelled.toString());
        JsonNode cls = waitTerminal(admin, submit(admin, Map.of("type", "classifier", "dataset", imageDataset,
                "params", Map.of("epochs", 2, "seed", 1))), 300);
        assertEquals("succeeded", cls.path("status").asText(), cls.toString());
        assertEquals(2, cls.path("result").path("classes").asInt());
        assertEquals("1x16x16", cls.path("result").path("shape").asText());
        assertTrue(cls.path("result").path("validation_accuracy").asDouble() > 0.6,
                "disc size is easy to tell: " + cls.path("result"));
        assertTrue(download(cls, "classifier.bin").length > 1000);

        JsonNode ev = waitTerminal(admin, submit(admin, Map.of("type", "eval", "model", imageModel, "dataset",
                imageDataset, "params", Map.of("classifier", cls.path("id").asText(), "count", 40, "nll_count", 4,
                        "solver", "heun", "steps", 10, "seed", 2))), 300);
        assertEquals("succeeded", ev.path("status").asText(), ev.toString());
        JsonNode er = ev.path("result");
        // printed for the record: after 120 steps the model scores about 0.4 bits/dim, the Gaussian baseline -2.8
        System.out.println("eval of the image model: " + er);
        for (String col : List.of("model", "real", "gaussian")) {
            double f = er.path(col).path("frechet").asDouble(Double.NaN);
            assertTrue(Double.isFinite(f) && f >= 0, col + ": " + er);
        }
        assertTrue(er.path("real").path("frechet").asDouble() < er.path("gaussian").path("frechet").asDouble(),
                "held-out real images are nearer the training images than a Gaussian's: " + er);
        double bits = er.path("model").path("bits_per_dim").asDouble(Double.NaN);
        assertTrue(Double.isFinite(bits), er.toString());
        assertEquals(imageDataset, er.path("train").asText(), "the reference defaults to the model's training data");
        // ... named in the job, so that a delete of that dataset waits for the eval (409) rather than failing it
        assertEquals(imageDataset, ev.path("params").path("train").asText(), ev.toString());
        assertEquals(er.path("model"), dev.pfgm.shared.store.Json.MAPPER.readTree(download(ev, "eval.json")).path("model"));
        assertEquals("eval", admin.get("/v1/jobs/" + ev.path("id").asText() + "/preview").json().path("kind").asText());

        // a synthesis of images reports against held-out images with the classifier, as the command line's does
        String heldOut = uploadDiscs(admin, 60, 77);
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "synthesize", "model", imageModel,
                "params", Map.of("count", 10, "held_out", heldOut))), 422, "/params/held_out"); // report is off for images
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "synthesize", "model", imageModel,
                "params", Map.of("count", 10, "report", true, "held_out", datasetId))), 422, "/params/held_out");
        // the training images themselves, or too few to compare with, are no held-out set
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "synthesize", "model", imageModel,
                "params", Map.of("count", 10, "report", true, "held_out", imageDataset))), 422, "/params/held_out");
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "synthesize", "model", imageModel,
                "params", Map.of("count", 10, "report", true, "held_out", uploadDiscs(admin, 10)))), 422,
                "/params/held_out");
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "synthesize", "model", modelId,
                "params", Map.of("count", 10, "classifier", cls.path("id").asText()))), 422, "/params/classifier");
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "synthesize", "model", imageModel,
                "params", Map.of("count", 10, "report", true, "classifier", enc.path("id").asText()))), 422,
                "/params/classifier");
        JsonNode syn = waitTerminal(admin, submit(admin, Map.of("type", "synthesize", "model", imageModel, "params",
                Map.of("count", 40, "solver", "heun", "steps", 10, "report", true, "held_out", heldOut,
                        "classifier", cls.path("id").asText()))), 300);
        assertEquals("succeeded", syn.path("status").asText(), syn.toString());
        JsonNode report = dev.pfgm.shared.store.Json.MAPPER.readTree(download(syn, "report.json"));
        JsonNode frechet = report.path("quality").path("frechet");
        for (String col : List.of("synthetic", "held_out", "gaussian")) {
            assertTrue(Double.isFinite(frechet.path(col).asDouble(Double.NaN)), col + ": " + report);
        }
        assertTrue(report.path("held_out").asText().contains("60") && report.path("held_out").asText().contains(heldOut),
                "the 60 held-out images, by their dataset: " + report.path("held_out"));
        // the synthesis has finished: its held-out dataset may go
        assertEquals(204, admin.delete("/v1/datasets/" + heldOut).status());
    }

    /** A worker killed mid-way through image training: attempt 2 resumes from the last checkpoint. */
    @Test
    @Order(15)
    void retriedImageTrainingResumesFromItsCheckpoint() throws Exception {
        String ds = uploadDiscs();
        stack.stopWorkers();
        Process other = startWorkerProcess();
        try {
            Map<String, Object> params = new java.util.HashMap<>(TINY_UNET);
            params.putAll(Map.of("steps", 800, "preview_every", 100, "checkpoint_every", 100, "seed", 2));
            String id = submit(admin, Map.of("type", "train", "dataset", ds, "params", params));
            JsonNode running = waitFor(admin, id, j -> j.path("status").asText().equals("running")
                    && j.path("progress").path("completed").asDouble() >= 250, 180);
            // while it runs, the preview is the latest grid the progress names
            JsonNode live = admin.get("/v1/jobs/" + id + "/preview").json();
            assertEquals("training", live.path("kind").asText(), live.toString());
            int gridStep = live.path("grid_step").asInt();
            assertTrue(gridStep >= 200 && gridStep % 100 == 0, live.toString());
            assertTrue(running.path("progress").path("preview_step").asInt() >= 200, running.toString());
            Http.Res png = Http.fetch(live.path("grid_url").asText());
            assertEquals(200, png.status(), png.toString());
            assertTrue(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png.raw().body())).getWidth() >= 6 * 16);
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            stack.addWorker();
            JsonNode done = waitTerminal(admin, id, 300);
            assertEquals("succeeded", done.path("status").asText(), done.toString());
            assertEquals(2, done.path("attempt").asInt());
            int from = done.path("result").path("resumed_from_step").asInt();
            assertTrue(from >= 200 && from % 100 == 0, done.toString());
            boolean logged = false;
            for (JsonNode e : admin.get("/v1/jobs/" + id + "/events").json().path("data")) {
                logged |= e.path("data").path("message").asText().contains("resuming from the checkpoint at step " + from);
            }
            assertTrue(logged, "the second attempt says where it resumed");
            // the finished job lists the whole run's grids: attempt 1's up to the checkpoint, then attempt 2's
            List<String> grids = new java.util.ArrayList<>();
            for (JsonNode f : admin.get("/v1/jobs/" + id + "/artifacts").json().path("files")) {
                String name = f.path("name").asText();
                if (name.startsWith("preview-")) {
                    grids.add(name);
                    int step = Integer.parseInt(name.substring(8, 15));
                    String attempt = step <= from ? "/attempt-1/" : "/attempt-2/";
                    assertTrue(f.path("url").asText().contains(attempt), name + " should come from " + attempt + ": " + f);
                }
            }
            List<String> expected = new java.util.ArrayList<>();
            for (int step = 100; step <= 800; step += 100) {
                expected.add(String.format(java.util.Locale.ROOT, "preview-%07d.png", step));
            }
            assertEquals(expected, grids);
            Http.Res first = admin.get("/v1/jobs/" + id + "/artifacts/preview-0000100.png");
            assertEquals(200, first.status(), first.toString());
            assertTrue(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(first.raw().body())).getWidth() >= 6 * 16);
        } finally {
            other.destroyForcibly();
        }
    }

    /**
     * Clients of one tenant that stop reading hold at most 16 of a gateway's connections to the object
     * store: the 17th download is a 503 with Retry-After, another tenant's downloads are served meanwhile,
     * and the share comes back as the clients go. 32 stalled downloads held every connection, and other
     * tenants' downloads waited until the idle timeout.
     */
    @Test
    void stalledDownloadsHoldOnlyTheirTenantsShareOfTheStore() throws Exception {
        // a wide MLP: an 11 MB model file, more than the kernel buffers a stalled reader's connection
        String big = submit(admin, Map.of("type", "train", "dataset", "builtin:moons", "params",
                Map.of("steps", 5, "hidden", 1024, "checkpoint_every", 0)));
        Http other = admin.as(admin.postJson("/v1/admin/keys", Map.of("tenant", "reader")).json().path("key").asText());
        String small = submit(other, Map.of("type", "train", "dataset", "builtin:moons", "params", Map.of("steps", 20)));
        assertEquals("succeeded", waitTerminal(admin, big, 120).path("status").asText());
        assertEquals("succeeded", waitTerminal(other, small, 120).path("status").asText());
        URI u = URI.create(stack.url());
        List<java.net.Socket> stalled = new ArrayList<>();
        try {
            List<String> heads = new ArrayList<>();
            for (int i = 0; i < 18; i++) {
                java.net.Socket s = new java.net.Socket();
                s.setReceiveBufferSize(2048);
                s.connect(new java.net.InetSocketAddress(u.getHost(), u.getPort()));
                s.setSoTimeout(20_000);
                stalled.add(s);
                s.getOutputStream().write(("GET /v1/jobs/" + big + "/artifacts/model.pfgm HTTP/1.1\r\nHost: x\r\n"
                        + "Authorization: Bearer " + stack.adminKey() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                heads.add(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
            }
            assertEquals(Collections.nCopies(16, "HTTP/1.1 200"), heads.subList(0, 16), heads.toString());
            assertEquals(List.of("HTTP/1.1 503", "HTTP/1.1 503"), heads.subList(16, 18), heads.toString());
            Http.Res theirs = other.get("/v1/jobs/" + small + "/artifacts/loss.csv");
            assertEquals(200, theirs.status(), theirs.toString());
            assertTrue(theirs.text().startsWith("step,loss\n"));
        } finally {
            for (java.net.Socket s : stalled) {
                s.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int status;
        do {
            Thread.sleep(100);
            status = admin.get("/v1/jobs/" + big + "/artifacts/model.pfgm", Map.of("Range", "bytes=0-9")).status();
        } while (status == 503 && System.nanoTime() < deadline);
        assertEquals(206, status, "the tenant's share came back as its clients went");
    }

    private byte[] download(JsonNode job, String name) {
        for (JsonNode f : admin.get("/v1/jobs/" + job.path("id").asText() + "/artifacts").json().path("files")) {
            if (f.path("name").asText().equals(name)) {
                Http.Res r = Http.fetch(f.path("url").asText());
                assertEquals(200, r.status(), r.toString());
                return r.raw().body();
            }
        }
        throw new AssertionError(job.path("id").asText() + " has no artifact " + name);
    }

    @Test
    @Order(16)
    void withAPublicStoreEndpointDownloadsArePresignedForIt() throws Exception {
        // the same store under another name, as a host would see a compose network's MinIO
        String internal = stack.config().get(Settings.S3_ENDPOINT);
        String external = internal.replace("127.0.0.1", "localhost");
        dev.pfgm.gateway.Gateway g = dev.pfgm.gateway.Gateway.start(stack.config().with(Map.of(
                Settings.HTTP_PORT.name(), "0", Settings.S3_PUBLIC_ENDPOINT.name(), external)));
        try {
            Http other = new Http("http://127.0.0.1:" + g.port(), stack.adminKey());
            String job = null;
            for (JsonNode j : other.get("/v1/jobs?type=train&status=succeeded").json().path("data")) {
                job = j.path("id").asText();
            }
            Http.Res r = other.get("/v1/jobs/" + job + "/artifacts/loss.csv");
            assertEquals(302, r.status(), r.toString());
            assertTrue(r.header("Location").startsWith(external + "/"), r.header("Location"));
            assertTrue(Http.fetch(r.header("Location")).text().startsWith("step,loss\n"));
            for (JsonNode f : other.get("/v1/jobs/" + job + "/artifacts").json().path("files")) {
                assertTrue(f.path("url").asText().startsWith(external + "/"), f.toString());
            }
        } finally {
            g.close();
        }
    }

    @Test
    @Order(17)
    void anOperatorsAdminKeyFromTheEnvironmentOrASecretFile() throws Exception {
        String fromEnv = "pfgm_" + "e".repeat(20) + UUID.randomUUID().toString().replace("-", "");
        String fromFile = "pfgm_" + "f".repeat(20) + UUID.randomUUID().toString().replace("-", "");
        Path secret = java.nio.file.Files.writeString(tmp.resolve("admin-secret"), fromFile + "\n");
        for (Map<String, String> how : List.of(Map.of(Settings.ADMIN_KEY.name(), fromEnv),
                Map.of(Settings.ADMIN_KEY_FILE.name(), secret.toString()))) {
            java.util.HashMap<String, String> settings = new java.util.HashMap<>(how);
            settings.put(Settings.HTTP_PORT.name(), "0");
            dev.pfgm.gateway.Gateway g = dev.pfgm.gateway.Gateway.start(stack.config().with(settings));
            try {
                String key = how.containsKey(Settings.ADMIN_KEY.name()) ? fromEnv : fromFile;
                Http op = new Http("http://127.0.0.1:" + g.port(), key);
                assertEquals(201, op.postJson("/v1/admin/keys", Map.of("tenant", "made-by-operator")).status());
                assertTrue(g.firstAdminKey().isEmpty(), "no key is generated when one is supplied");
            } finally {
                g.close();
            }
        }
        assertEquals("PFGM_ADMIN_KEY", assertThrows(IllegalArgumentException.class,
                () -> dev.pfgm.gateway.Gateway.start(stack.config().with(Map.of(Settings.HTTP_PORT.name(), "0",
                        Settings.ADMIN_KEY.name(), "pfgm_short")))).getMessage().split(":")[0]);
    }

    @Test
    @Order(17)
    void aGatewayOrWorkerThatCannotStartLeavesNothingRunning() throws Exception {
        java.util.function.Supplier<Long> relays = () -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("pfgm-outbox-relay")).count();
        long before = relays.get();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            assertThrows(Exception.class, () -> dev.pfgm.gateway.Gateway.start(stack.config().with(Map.of(
                    Settings.HTTP_PORT.name(), Integer.toString(taken.getLocalPort())))));
        }
        // the failed start had started its outbox relay, Vert.x and pool before the port was refused
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (relays.get() > before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(before, relays.get(), "outbox relays left running");

        // the worker's twin: its connection pool is open before the object store refuses the key
        java.util.function.Supplier<Long> pools = () -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("worker-refused-store")).count();
        assertThrows(RuntimeException.class, () -> dev.pfgm.worker.Worker.start(stack.config().with(Map.of(
                Settings.WORKER_ID.name(), "refused-store", Settings.S3_SECRET_KEY.name(), "not-the-secret",
                Settings.DEPENDENCY_WAIT_SECONDS.name(), "0", Settings.WORK_DIR.name(), tmp.resolve("w").toString()))));
        // a closed pool's threads end shortly after close() returns (its connections close on a thread of their own)
        deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (pools.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, pools.get(), "the worker's connection pool left open");
    }

    @Test
    @Order(18)
    void aWorkerReportsItsHealthAndJobsNameWhatTheyRanOn() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        stack.stopWorkers();
        Process w = ChildJvm.worker(stack.envFile(), List.of("-Xmx512m"), Map.of("PFGM_WORKER_ID", "health-worker",
                Settings.WORKER_HEALTH_PORT.name(), Integer.toString(port)), tmp.resolve("health-worker.log"));
        try {
            String base = "http://127.0.0.1:" + port;
            Http.Res live = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    live = Http.fetch(base + "/healthz");
                    break;
                } catch (AssertionError notYet) {
                    Thread.sleep(200);
                }
            }
            assertTrue(live != null && live.status() == 200, String.valueOf(live));
            JsonNode ready = Http.fetch(base + "/readyz").json();
            assertEquals("ok", ready.path("status").asText(), ready.toString());
            assertEquals("health-worker", ready.path("worker").asText());
            assertEquals("CpuBackend", ready.path("backend").asText());
            assertTrue(ready.path("device").asText().startsWith("cpu: "), ready.toString());
            assertTrue(ready.path("database").asBoolean());

            String id = submit(admin, Map.of("type", "train", "dataset", "builtin:moons", "params", Map.of("steps", 20)));
            JsonNode done = waitTerminal(admin, id, 120);
            JsonNode compute = done.path("result").path("compute");
            assertEquals("CpuBackend", compute.path("backend").asText(), done.toString());
            assertEquals(ready.path("device").asText(), compute.path("device").asText());
            assertEquals("health-worker", compute.path("worker").asText());

            // the worker's own metrics: the attempt it ran, its consumer (lag among them), its pool, its JVM;
            // the worker records the attempt just after its end is committed, so the job can read as
            // finished a moment before the timer counts it
            String attempt = "pfgm_worker_attempt_duration_seconds_count{outcome=\"succeeded\",type=\"train\","
                    + "worker=\"health-worker\"} 1";
            String metrics = Http.fetch(base + "/metrics").text();
            for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); !metrics.contains(attempt)
                    && System.nanoTime() < until; metrics = Http.fetch(base + "/metrics").text()) {
                Thread.sleep(100);
            }
            assertTrue(metrics.contains(attempt), metrics);
            for (String name : List.of("kafka_consumer_fetch_manager_records_lag_max", "hikaricp_connections_active",
                    "jvm_memory_used_bytes")) {
                assertTrue(metrics.contains(name), name + " in the worker's metrics");
            }
            Http.Res posted = new Http(base, null).postJson("/metrics", "");
            assertEquals(405, posted.status(), "the health port answers GET only");
            assertEquals("GET", posted.header("Allow"));
        } finally {
            w.destroy();
            w.waitFor(30, TimeUnit.SECONDS);
            stack.addWorker();
        }
    }

    @Test
    @Order(19)
    void generateJobsWriteCsvWithTheUploadsColumnNames() throws Exception {
        StringBuilder csv = new StringBuilder("income,\"age, years\"\n");
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 400; i++) {
            csv.append(50 + 10 * r.nextGaussian()).append(',').append(40 + 12 * r.nextGaussian()).append('\n');
        }
        String ds = admin.postBytes("/v1/datasets?name=people&format=csv", csv.toString().getBytes(UTF_8))
                .json().path("id").asText();
        JsonNode t = waitTerminal(admin, submit(admin, Map.of("type", "train", "dataset", ds,
                "params", Map.of("steps", 30, "hidden", 32, "depth", 2, "batch", 64, "large_batch", 256))), 120);
        assertEquals("succeeded", t.path("status").asText(), t.toString());
        JsonNode g = waitTerminal(admin, submit(admin, Map.of("type", "generate", "model",
                t.path("result").path("model").asText(), "params", Map.of("count", 40, "format", "csv"))), 120);
        assertEquals("succeeded", g.path("status").asText(), g.toString());
        List<String> lines = new String(download(g, "samples.csv"), UTF_8).lines().toList();
        assertEquals("income,\"age, years\"", lines.get(0));
        assertEquals(41, lines.size());
        assertEquals(2, lines.get(1).split(",").length);
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "generate", "model", t.path("result").path("model").asText(),
                "params", Map.of("count", 4, "format", "parquet"))), 422, "/params/format");
    }

    @Test
    @Order(20)
    void namesMetadataWaitingAndDeleting() throws Exception {
        Http tenant = admin.as(admin.postJson("/v1/admin/keys", Map.of("tenant", "labels")).json().path("key").asText());
        // Prefer: wait answers with the finished job when it ends in time
        Http.Res waited = tenant.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "name", "nightly moons", "metadata", Map.of("team", "vision", "run", "7"),
                "params", Map.of("steps", 20)), Map.of("Prefer", "wait=60"));
        assertEquals(200, waited.status(), waited.toString());
        assertEquals("wait=60", waited.header("Preference-Applied"));
        JsonNode done = waited.json();
        assertEquals("succeeded", done.path("status").asText());
        assertEquals("nightly moons", done.path("name").asText());
        assertEquals("vision", done.path("metadata").path("team").asText());
        // a job that cannot end in a second: 202 after it, as without the header
        long t0 = System.nanoTime();
        Http.Res slow = tenant.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "metadata", Map.of("team", "audio"), "params", Map.of("steps", 3000)), Map.of("Prefer", "wait=1"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(202, slow.status(), slow.toString());
        assertTrue(seconds >= 0.9 && seconds < 10, "answered after " + seconds + " s");
        assertNull(slow.header("Preference-Applied"));
        String slowId = slow.json().path("id").asText();

        // filters: by name, by metadata pairs (all must hold), paging keeps them
        assertEquals(List.of(done.path("id").asText()), ids(tenant.get("/v1/jobs?name=nightly%20moons")));
        assertEquals(List.of(done.path("id").asText()), ids(tenant.get("/v1/jobs?metadata%5Bteam%5D=vision&metadata%5Brun%5D=7")));
        assertEquals(List.of(), ids(tenant.get("/v1/jobs?metadata%5Bteam%5D=vision&metadata%5Brun%5D=8")));
        assertEquals(List.of(slowId), ids(tenant.get("/v1/jobs?metadata%5Bteam%5D=audio")));
        assertProblem(tenant.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "metadata", Map.of("n", 5))), 422, "/metadata/n");
        java.util.Map<String, String> many = new java.util.HashMap<>();
        for (int k = 0; k < 17; k++) {
            many.put("k" + k, "v");
        }
        assertProblem(tenant.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons", "metadata", many)),
                422, "/metadata");
        assertProblem(tenant.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons", "name", "")),
                422, "/name");
        // NUL and control characters anywhere the caller writes: 4xx, never the database's 500
        assertProblem(tenant.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "metadata", Map.of("a\u0000b", "v"))), 422, "/metadata");
        assertProblem(tenant.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "metadata", Map.of("k", "v\u0000"))), 422, "/metadata/k");
        assertProblem(tenant.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "name", "x\u0007y")), 422, "/name");
        assertProblem(tenant.get("/v1/jobs?metadata%5Bk%5D=v%00"), 400, null);
        assertProblem(tenant.get("/v1/jobs?metadata%5Bk%00%5D=v"), 400, null);
        assertProblem(tenant.get("/v1/jobs?name=a%00b"), 400, "/query/name");

        // deleting: a running job must be cancelled first; a train job keeps its model until the model goes
        assertProblem(tenant.delete("/v1/jobs/" + slowId), 409, null);
        tenant.postJson("/v1/jobs/" + slowId + "/cancel", Map.of());
        waitTerminal(tenant, slowId, 60);
        assertEquals(204, tenant.delete("/v1/jobs/" + slowId).status());
        assertEquals(404, tenant.get("/v1/jobs/" + slowId).status());
        String modelId = done.path("result").path("model").asText();
        assertProblem(tenant.delete("/v1/jobs/" + done.path("id").asText()), 409, null);
        Http.Res file = tenant.get("/v1/models/" + modelId + "/file");
        assertEquals(200, file.status());
        assertTrue(file.raw().body().length > 1000);
        assertEquals(404, admin.as(stack.adminKey()).get("/v1/models/" + modelId + "/file").status(),
                "another tenant's model is not found");
        String doneFiles = "/v1/jobs/" + done.path("id").asText() + "/artifacts";
        assertTrue(tenant.get(doneFiles).json().path("files").toString().contains("\"model.pfgm\""));
        assertEquals(204, tenant.delete("/v1/models/" + modelId).status());
        assertEquals(404, tenant.get("/v1/models/" + modelId).status());
        // the train job's model.pfgm went with the model (it stayed listed, with a link that answered 404)
        Http.Res left = tenant.get(doneFiles);
        assertEquals(200, left.status(), left.toString());
        assertFalse(left.json().path("files").toString().contains("\"model.pfgm\""), left.toString());
        assertEquals(404, tenant.get(doneFiles + "/model.pfgm").status());
        assertEquals(204, tenant.delete("/v1/jobs/" + done.path("id").asText()).status());
        assertEquals(List.of(), ids(tenant.get("/v1/jobs")));
        assertEquals(404, tenant.delete("/v1/jobs/" + done.path("id").asText()).status());
    }

    private static List<String> ids(Http.Res list) {
        assertEquals(200, list.status(), list.toString());
        List<String> out = new java.util.ArrayList<>();
        list.json().path("data").forEach(j -> out.add(j.path("id").asText()));
        return out;
    }

    @Test
    @Order(21)
    void filesPastTheirRetentionAreDeletedAndTheJobSaysSo() throws Exception {
        String modelId = vector().model();
        String gen = submit(admin, Map.of("type", "generate", "model", modelId, "params", Map.of("count", 10)));
        JsonNode g = waitTerminal(admin, gen, 120);
        assertEquals("succeeded", g.path("status").asText(), g.toString());
        JsonNode train = admin.get("/v1/jobs/" + admin.get("/v1/models/" + modelId).json().path("training_job").asText())
                .json();
        assertEquals(java.time.OffsetDateTime.parse(g.path("finished_at").asText()).plusDays(30).toInstant(),
                java.time.OffsetDateTime.parse(g.path("expires_at").asText()).toInstant(), "finished_at + 30 days by default");
        assertTrue(g.path("files_expired_at").isNull());
        // both jobs finished "two days ago" under a 1-day retention
        try (var c = java.sql.DriverManager.getConnection(stack.config().get(Settings.DB_URL),
                stack.config().get(Settings.DB_USER), stack.config().get(Settings.DB_PASSWORD));
                var ps = c.prepareStatement("UPDATE jobs SET finished_at = now() - interval '2 days' WHERE id IN (?, ?)")) {
            ps.setObject(1, UUID.fromString(gen));
            ps.setObject(2, UUID.fromString(train.path("id").asText()));
            assertEquals(2, ps.executeUpdate());
        }
        dev.pfgm.gateway.Gateway g2 = dev.pfgm.gateway.Gateway.start(stack.config().with(Map.of(
                Settings.HTTP_PORT.name(), "0", Settings.RETENTION_DAYS.name(), "1",
                Settings.RETENTION_SWEEP_SECONDS.name(), "1")));
        try {
            Http other = new Http("http://127.0.0.1:" + g2.port(), stack.adminKey());
            JsonNode j = waitFor(other, gen, x -> !x.path("files_expired_at").isNull(), 30);
            assertProblem(other.get("/v1/jobs/" + gen + "/artifacts"), 410, null);
            assertProblem(other.get("/v1/jobs/" + gen + "/artifacts/samples.npy"), 410, null);
            assertProblem(other.get("/v1/jobs/" + gen + "/preview"), 410, null);
            assertEquals("succeeded", j.path("status").asText(), "the job itself stays");
            // marked first (the API stops serving them at once), then deleted
            assertEquals(List.of(), filesUnder("jobs/" + gen + "/", 0));
            // the train job's files went, but not its model's: the model still samples
            waitFor(other, train.path("id").asText(), x -> !x.path("files_expired_at").isNull(), 30);
            List<String> left = filesUnder("jobs/" + train.path("id").asText() + "/", 1);
            assertEquals(1, left.size(), left.toString());
            assertTrue(left.get(0).endsWith("/model.pfgm"), left.toString());
            assertEquals(200, other.get("/v1/models/" + modelId + "/file").status());
        } finally {
            g2.close();
        }
    }

    /** The files (not folder entries) under {@code prefix}, once at most {@code expected} remain (30 s at most). */
    private List<String> filesUnder(String prefix, int expected) throws InterruptedException {
        var objects = new dev.pfgm.shared.store.ObjectStore(stack.config());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> files;
        do {
            files = objects.list(prefix).stream().filter(k -> !k.endsWith("/")).toList();
            if (files.size() <= expected) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return files;
    }

    @Test
    @Order(22)
    void datasetAndModelListsComeInPages() {
        Http t = admin.as(admin.postJson("/v1/admin/keys", Map.of("tenant", "pages")).json().path("key").asText());
        List<String> made = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(0, t.postBytes("/v1/datasets?name=p" + i + "&format=csv", ("x\n" + i + "\n" + (i + 1) + "\n").getBytes(UTF_8))
                    .json().path("id").asText());
        }
        List<String> seen = new java.util.ArrayList<>();
        String next = "/v1/datasets?limit=2";
        int pages = 0;
        while (next != null) {
            JsonNode page = t.get(next).json();
            page.path("data").forEach(d -> seen.add(d.path("id").asText()));
            assertEquals(page.path("has_more").asBoolean(), !page.path("next").isNull(), page.toString());
            next = page.path("next").isNull() ? null : page.path("next").asText();
            pages++;
        }
        assertEquals(made, seen, "newest first, each once");
        assertEquals(3, pages);
        assertEquals(5, t.get("/v1/datasets").json().path("data").size());
        assertProblem(t.get("/v1/datasets?limit=0"), 400, "/query/limit");
        assertProblem(t.get("/v1/datasets?after=nope"), 400, "/query/after");
        // after the oldest: an empty last page; after a row that is gone, or another tenant's: a 400, not a
        // silent end of the list
        assertEquals(0, t.get("/v1/datasets?after=" + made.get(4)).json().path("data").size());
        assertEquals(204, t.delete("/v1/datasets/" + made.get(2)).status());
        assertProblem(t.get("/v1/datasets?after=" + made.get(2)), 400, "/query/after");
        Http other = admin.as(admin.postJson("/v1/admin/keys", Map.of("tenant", "pages2")).json().path("key").asText());
        assertProblem(other.get("/v1/datasets?after=" + made.get(0)), 400, "/query/after");
        assertProblem(t.get("/v1/jobs?after=" + java.util.UUID.randomUUID()), 400, "/query/after");
        assertProblem(t.get("/v1/models?after=" + java.util.UUID.randomUUID()), 400, "/query/after");
        assertEquals(0, t.get("/v1/models").json().path("data").size());
        assertFalse(t.get("/v1/models").json().path("has_more").asBoolean());
    }

    Process startWorkerProcess() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "dev.pfgm.worker.WorkerMain", "--env", stack.envFile().toString());
        pb.environment().put("PFGM_WORKER_ID", "external-worker");
        pb.redirectErrorStream(true);
        pb.redirectOutput(tmp.resolve("external-worker.log").toFile());
        return pb.start();
    }

    /**
     * What the dashboard builds on: image datasets' thumbnail grids (IDX, PNG zip and .npy, each the
     * file's first images), models named by their training job and dataset, the contract as JSON,
     * and a dry run of a submission that checks as it would and writes nothing.
     */
    @Test
    @Order(23)
    void thumbnailsModelNamesContractAndDryRuns() throws Exception {
        String modelId = vector().model();
        String datasetId = vector().dataset();
        // 70 IDX images, image i filled with level i: the grid shows the first 64, in order
        String idxId = admin.postBytes("/v1/datasets?name=levels&format=idx", idxImages(70, 4, 4, v -> v / 16 * 3)).json()
                .path("id").asText();
        JsonNode thumbs = admin.get("/v1/datasets/" + idxId + "/preview").json();
        assertEquals("image_grid", thumbs.path("kind").asText(), thumbs.toString());
        assertEquals(70, thumbs.path("count").asInt());
        assertEquals(64, thumbs.path("shown").asInt());
        var grid = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(Http.fetch(thumbs.path("grid_url").asText())
                .raw().body()));
        int cell = (grid.getWidth() - 1) / 8; // an image and the 1-pixel gap after it
        assertEquals(8 * cell + 1, grid.getWidth(), "eight to a row");
        assertEquals(8 * cell + 1, grid.getHeight(), "64 images: eight rows");
        // the middle of each cell is its image's level: 0, 3, 6, ... in reading order
        for (int i : new int[] {0, 1, 9, 63}) {
            int x = 1 + (i % 8) * cell + cell / 2;
            int y = 1 + (i / 8) * cell + cell / 2;
            assertEquals(i * 3, grid.getRaster().getSample(x, y, 0), "image " + i);
        }
        // a PNG zip and a [n, h, w, c] .npy
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.ZipOutputStream(zip)) {
            for (int i = 0; i < 3; i++) {
                var img = new java.awt.image.BufferedImage(6, 6, java.awt.image.BufferedImage.TYPE_INT_RGB);
                img.setRGB(0, 0, 0xff0000);
                var png = new java.io.ByteArrayOutputStream();
                javax.imageio.ImageIO.write(img, "png", png);
                z.putNextEntry(new java.util.zip.ZipEntry("img" + i + ".png"));
                z.write(png.toByteArray());
                z.closeEntry();
            }
        }
        String zipId = admin.postBytes("/v1/datasets?name=zip&format=png-zip", zip.toByteArray()).json().path("id").asText();
        assertEquals(3, admin.get("/v1/datasets/" + zipId + "/preview").json().path("shown").asInt());
        var npy = new java.io.ByteArrayOutputStream();
        NpyFile.writeUint8(npy, new byte[5 * 4 * 4 * 3], new long[] {5, 4, 4, 3});
        String npyId = admin.postBytes("/v1/datasets?name=hwc&format=npy", npy.toByteArray()).json().path("id").asText();
        assertEquals(5, admin.get("/v1/datasets/" + npyId + "/preview").json().path("shown").asInt());
        assertProblem(admin.get("/v1/datasets/" + datasetId + "/preview"), 404, null);
        assertEquals(204, admin.delete("/v1/datasets/" + idxId).status());
        assertEquals(404, Http.fetch(thumbs.path("grid_url").asText()).status(), "deleted with its dataset");

        // a model carries its training job's name and its dataset's
        JsonNode named = waitTerminal(admin, submit(admin, Map.of("type", "train", "dataset", datasetId, "name", "gauss-quick",
                "params", Map.of("steps", 20))), 120);
        JsonNode model = admin.get("/v1/models/" + named.path("result").path("model").asText()).json();
        assertEquals("gauss-quick", model.path("name").asText(), model.toString());
        assertEquals("gauss", model.path("dataset_name").asText(), model.toString());
        boolean listed = false;
        for (JsonNode m : admin.get("/v1/models").json().path("data")) {
            listed |= m.path("name").asText().equals("gauss-quick") && m.path("dataset_name").asText().equals("gauss");
        }
        assertTrue(listed, "the list names them too");

        // the contract as JSON, for browsers
        Http.Res contract = Http.fetch(stack.url() + "/openapi.json");
        assertEquals(200, contract.status());
        assertTrue(contract.json().path("components").path("schemas").has("EvalJob"), "the whole contract");

        // a dry run: valid, with its estimate; invalid, the submission's problem; neither writes a job
        long before = admin.get("/v1/jobs?limit=200").json().path("data").size();
        Http.Res ok = admin.postJson("/v1/jobs/validate", Map.of("type", "generate", "model", modelId,
                "params", Map.of("count", 100)));
        assertEquals(200, ok.status(), ok.toString());
        assertTrue(ok.json().path("valid").asBoolean() && ok.json().path("estimated_gflop").asDouble() > 0, ok.toString());
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "generate", "model", modelId,
                "params", Map.of("count", 0))), 422, "/params/count");
        assertProblem(admin.postJson("/v1/jobs/validate", Map.of("type", "eval", "model", modelId,
                "dataset", datasetId)), 422, "/model");
        assertEquals(before, admin.get("/v1/jobs?limit=200").json().path("data").size(), "a dry run writes nothing");
    }

    /**
     * A diffusion model over HTTP: aug_dim "inf" trains on a table, generate samples it with a
     * stochastic sampler; other models, and log densities, refuse those samplers naming the field.
     */
    @Test
    @Order(24)
    void diffusionModelsTrainAndSampleWithTheStochasticSamplers() throws Exception {
        String modelId = vector().model();
        String datasetId = vector().dataset();
        JsonNode t = waitTerminal(admin, submit(admin, Map.of("type", "train", "dataset", datasetId,
                "params", Map.of("aug_dim", "inf", "steps", 300))), 120);
        assertEquals("succeeded", t.path("status").asText(), t.toString());
        String diffusion = t.path("result").path("model").asText();
        assertEquals("inf", admin.get("/v1/models/" + diffusion).json().path("settings").path("aug_dim").asText(),
                "the model records it");
        for (String solver : List.of("euler-maruyama", "edm-churn", "euler-maruyama-geometric")) {
            JsonNode g = waitTerminal(admin, submit(admin, Map.of("type", "generate", "model", diffusion,
                    "params", Map.of("count", 50, "solver", solver, "steps", 20))), 120);
            assertEquals("succeeded", g.path("status").asText(), g.toString());
            assertEquals(solver.equals("edm-churn") ? 39 : 20, g.path("result").path("nfe").asDouble(), 1e-9, solver);
        }
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "generate", "model", modelId,
                "params", Map.of("count", 5, "solver", "edm-churn"))), 422, "/params/solver");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "generate", "model", modelId,
                "params", Map.of("count", 5, "solver", "euler-maruyama-geometric"))), 422, "/params/solver");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "synthesize", "model", diffusion,
                "params", Map.of("count", 5, "solver", "euler-maruyama", "log_density", true))), 422, "/params/solver");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "encode", "model", diffusion, "dataset", datasetId,
                "params", Map.of("solver", "euler-maruyama"))), 422, "/params/solver");
        assertProblem(admin.postJson("/v1/jobs", Map.of("type", "train", "dataset", datasetId,
                "params", Map.of("aug_dim", "infinity"))), 422, "/params/aug_dim");
    }
}
