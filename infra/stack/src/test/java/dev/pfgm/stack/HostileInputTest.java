package dev.pfgm.stack;

import static dev.pfgm.stack.ServiceTest.assertProblem;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway against an attacker's requests, on a real stack: the uploads that once crashed it or
 * froze every tenant (from the probes in the reliability issue) are refused with the limit named,
 * store nothing, and do not slow other tenants down; bodies past the byte limit and uploads past
 * the concurrency bound are turned away before they are read.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private static final int MAX_UPLOADS = 2;
    @TempDir
    static Path tmp;
    @AutoClose
    Stack stack;
    Http admin;
    Http other;
    Http third;
    String otherKey;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 0, Map.of(
                Settings.MAX_UPLOAD_MB.name(), "32",
                Settings.MAX_UPLOADS.name(), Integer.toString(MAX_UPLOADS))));
        admin = new Http(stack.url(), stack.adminKey());
        otherKey = admin.postJson("/v1/admin/keys", Map.of("tenant", "bystander")).json().path("key").asText();
        other = admin.as(otherKey);
        third = admin.as(admin.postJson("/v1/admin/keys", Map.of("tenant", "third")).json().path("key").asText());
    }

    private int datasets() {
        return admin.get("/v1/datasets").json().path("data").size();
    }

    private void refused(String format, byte[] body, int status, String says) {
        Http.Res r = admin.postBytes("/v1/datasets?name=probe&format=" + format, body);
        assertProblem(r, status, "/body");
        assertTrue(r.json().path("detail").asText().contains(says), says + " in " + r);
    }

    /**
     * A gateway with PFGM_ACCESS_LOG=1 logs a line per request, answered or refused, and leaves out
     * what a log reader must not get: the key, the query string, a file link's signature.
     */
    @Test
    void theAccessLogNamesEachRequestButNoKeyQueryOrSignature() throws Exception {
        Path log = tmp.resolve("access-gateway.log");
        Process p = ChildJvm.gateway(stack.envFile(), 0, List.of("-Xmx256m"), Map.of(Settings.ACCESS_LOG.name(), "1"),
                log);
        try {
            Http child = new Http(ChildJvm.awaitListening(p, log, 60), stack.adminKey());
            assertEquals(200, child.get("/v1/jobs?name=private-name&limit=3").status());
            assertEquals(401, child.as("pfgm_" + "x".repeat(40)).get("/v1/datasets").status());
            assertEquals(403, child.get("/v1/files/1765000000.secretsignature/jobs/j/samples.csv").status());
            List<String> lines = List.of();
            for (int i = 0; i < 50 && lines.size() < 3; i++) {
                Thread.sleep(100);
                lines = java.nio.file.Files.readAllLines(log).stream().filter(l -> l.contains("access - method=")).toList();
            }
            assertEquals(3, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(0).contains("method=\"GET\" path=\"/v1/jobs\" status=200 bytes="), lines.get(0));
            assertTrue(lines.get(1).contains("path=\"/v1/datasets\" status=401"), lines.get(1));
            assertTrue(lines.get(2).contains("path=\"/v1/files/(signed)/jobs/j/samples.csv\" status=403"), lines.get(2));
            String all = java.nio.file.Files.readString(log);
            for (String secret : List.of("private-name", "secretsignature", stack.adminKey(), "x".repeat(40))) {
                assertFalse(all.contains(secret), "the log holds " + secret);
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theProbesThatCrashedTheGatewayAreRefusedWithTheLimitNamed() throws Exception {
        int before = datasets();
        refused("npy", npy("10000000000, 10000000000", new byte[16]), 413, "PFGM_MAX_DATASET_VALUES");
        refused("npy", npy("2, 2", new byte[4 * 4 + 7]), 422, "7 bytes follow");
        refused("npy", npyRaw("{" + "'shape': (".repeat(900) + "}"), 422, "header");
        refused("idx", idx(1 << 22, 1 << 21, 1 << 21, 20), 413, "PFGM_MAX_IMAGE_PIXELS");
        refused("idx", idx(1423, 10827767, 1197225396, 20), 413, "PFGM_MAX_IMAGE_PIXELS");
        refused("idx", gzip(idx(2, 2, 2, 8), 64L << 20), 422, "bytes follow");
        refused("png-zip", zip("huge.png", pngClaiming(30000, 30000)), 413, "30000x30000");
        refused("png-zip", zip("big.png", pngClaiming(16000, 16000)), 413, "PFGM_MAX_IMAGE_PIXELS");
        refused("png-zip", zipOfZeros(6, 100L << 20), 413, "unpacks to more than");
        byte[] wide = ("1" + ",1".repeat(10_000_000) + "\n").getBytes(StandardCharsets.US_ASCII);
        refused("csv", wide, 413, "PFGM_MAX_COLUMNS");
        assertProblem(admin.postBytes("/v1/datasets?name=a%00b&format=csv", "1,2\n".getBytes(UTF_8)), 422, "/query/name");
        assertProblem(admin.postBytes("/v1/datasets?name=a%01b&format=csv", "1,2\n".getBytes(UTF_8)), 422, "/query/name");
        assertEquals(before, datasets(), "nothing refused was stored");
        // and the gateway is whole: a valid upload still works
        assertEquals(201, admin.postBytes("/v1/datasets?name=ok&format=csv", "x,y\n1,2\n3,4\n".getBytes(UTF_8)).status());
    }

    @Test
    void bodiesPastTheLimitAreRefusedBeforeTheyAreRead() throws Exception {
        String declared = rawPost("/v1/datasets?name=x&format=npy", stack.adminKey(), 40L << 20, 0);
        assertTrue(declared.startsWith("HTTP/1.1 413"), declared);
        // the limit is the operator's setting, and the answer names it (below 64 MiB it did not)
        String named;
        URI u = URI.create(stack.url());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("POST /v1/datasets?name=x&format=npy HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + stack.adminKey() + "\r\nContent-Length: " + (40L << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput(); // no body follows: the gateway need not wait for one
            named = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        assertTrue(named.startsWith("HTTP/1.1 413") && named.contains("33554432 bytes (32 MiB, PFGM_MAX_UPLOAD_MB)"), named);
        // chunked, no length: cut off once past the limit
        String chunked = rawPost("/v1/datasets?name=x&format=npy", stack.adminKey(), -1, 40L << 20);
        assertTrue(chunked.startsWith("HTTP/1.1 413"), chunked);
        // a stranger's body is not read at all
        String stranger = rawPost("/v1/datasets?name=x&format=npy", "pfgm_nope", 1L << 20, 0);
        assertTrue(stranger.startsWith("HTTP/1.1 401"), stranger);
    }

    /** Waits until the gateway's /metrics says {@code n} uploads hold its slots. */
    private void awaitUploadsInFlight(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = "";
        while (System.nanoTime() < deadline) {
            for (String line : Http.fetch(stack.url() + "/metrics").text().split("\n")) {
                if (line.startsWith("pfgm_uploads_in_flight ")) {
                    last = line;
                    if (Double.parseDouble(line.substring(line.indexOf(' ') + 1)) == n) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the gateway did not count " + n + " uploads in flight in 10 s; last: " + last);
    }

    @Test
    void uploadsPastTheConcurrencyBoundAnswer503WithRetryAfter() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            // one tenant may hold half the slots: two tenants fill them
            held.add(openUpload(stack.adminKey(), 1000, 10)); // sends 10 of 1,000 bytes, then waits
            held.add(openUpload(otherKey, 1000, 10));
            awaitUploadsInFlight(MAX_UPLOADS);
            Http.Res busy = third.postBytes("/v1/datasets?name=x&format=csv", "1,2\n".getBytes(UTF_8));
            assertProblem(busy, 503, null);
            assertNotNull(busy.header("Retry-After"), busy.toString());
            assertTrue(busy.json().path("detail").asText().contains("receiving 2 uploads already"), busy.toString());
            assertEquals(200, other.get("/v1/jobs").status(), "other routes are not bounded by uploads");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Http.Res after;
        do {
            Thread.sleep(100);
            after = admin.postBytes("/v1/datasets?name=after&format=csv", "1,2\n".getBytes(UTF_8));
        } while (after.status() == 503 && System.nanoTime() < deadline);
        assertEquals(201, after.status(), "slots come back when their clients go: " + after);
    }

    /**
     * Uploads with made-up keys take no slot while their keys are looked up (each a database query),
     * so a flood of them turns no real upload away: the real ones got 503s when they did.
     */
    @Test
    void uploadsWithMadeUpKeysHoldNoSlot() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService strangers = Executors.newFixedThreadPool(16);
        List<Future<Map<Integer, Integer>>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            answers.add(strangers.submit(() -> {
                Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
                while (running.get()) {
                    String key = "pfgm_" + java.util.UUID.randomUUID().toString().replace("-", "");
                    int st = admin.as(key).postBytes("/v1/datasets?name=x&format=csv", "1,2\n".getBytes(UTF_8)).status();
                    byStatus.merge(st, 1, Integer::sum);
                }
                return byStatus;
            }));
        }
        Map<Integer, Integer> real = new java.util.TreeMap<>();
        List<String> made = new ArrayList<>();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < end) {
                Http.Res r = other.postBytes("/v1/datasets?name=real&format=csv", "1,2\n3,4\n".getBytes(UTF_8));
                real.merge(r.status(), 1, Integer::sum);
                if (r.status() == 201) {
                    made.add(r.json().path("id").asText());
                }
            }
        } finally {
            running.set(false);
            strangers.shutdown();
        }
        Map<Integer, Integer> fake = new java.util.TreeMap<>();
        for (Future<Map<Integer, Integer>> f : answers) {
            f.get().forEach((st, n) -> fake.merge(st, n, Integer::sum));
        }
        for (String id : made) {
            other.delete("/v1/datasets/" + id);
        }
        assertEquals(java.util.Set.of(201), real.keySet(), "the real uploads, by status: " + real + "; the strangers': " + fake);
        assertEquals(java.util.Set.of(401), fake.keySet(), "the strangers', by status: " + fake);
        assertTrue(fake.get(401) > 100, "the strangers sent a flood: " + fake);
    }

    /** One tenant's slow uploads hold its share of the slots, half of them, and the other tenants still upload. */
    @Test
    void oneTenantCannotHoldEveryUploadSlot() throws Exception {
        Socket slow = openUpload(stack.adminKey(), 1000, 10);
        try {
            awaitUploadsInFlight(1);
            Http.Res refused = admin.postBytes("/v1/datasets?name=x&format=csv", "1,2\n".getBytes(UTF_8));
            assertProblem(refused, 503, null);
            assertNotNull(refused.header("Retry-After"), refused.toString());
            assertTrue(refused.json().path("detail").asText().contains("its share"), refused.toString());
            Http.Res bystander = other.postBytes("/v1/datasets?name=y&format=csv", "1,2\n3,4\n".getBytes(UTF_8));
            assertEquals(201, bystander.status(), bystander.toString());
        } finally {
            slow.close();
        }
        awaitUploadsInFlight(0);
        assertEquals(201, admin.postBytes("/v1/datasets?name=z&format=csv", "1,2\n3,4\n".getBytes(UTF_8)).status(),
                "the share comes back when the upload goes");
    }

    @Test
    void hostileUploadsDoNotSlowOtherTenants() throws Exception {
        byte[] header = npyRaw("{" + "'shape': (".repeat(24_000) + "}"); // the 240 KB probe
        byte[] heavy = csvRows(400_000); // a valid 8 MB table: seconds of checking
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService attackers = Executors.newFixedThreadPool(8);
        List<Future<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] body = i % 2 == 0 ? header : heavy;
            sent.add(attackers.submit(() -> {
                int n = 0;
                while (running.get()) {
                    int s = admin.postBytes("/v1/datasets?name=hostile&format=" + (body == header ? "npy" : "csv"), body)
                            .status();
                    assertTrue(s == 422 || s == 503 || s == 201, "status " + s);
                    n++;
                }
                return n;
            }));
        }
        List<Double> millis = Collections.synchronizedList(new ArrayList<>());
        try {
            Thread.sleep(500);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                assertEquals(200, other.get("/v1/jobs").status());
                millis.add((System.nanoTime() - t0) / 1e6);
                Thread.sleep(20);
            }
        } finally {
            running.set(false);
            attackers.shutdown();
            assertTrue(attackers.awaitTermination(60, TimeUnit.SECONDS));
        }
        int uploads = 0;
        for (Future<Integer> f : sent) {
            uploads += f.get();
        }
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        double p50 = sorted.get(sorted.size() / 2);
        double p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
        System.out.printf("other tenant's GETs during %d hostile uploads: n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
                uploads, sorted.size(), p50, p99, sorted.get(sorted.size() - 1));
        assertTrue(uploads >= 8, "the attack ran: " + uploads);
        // Latency goals are benchmark figures (docs/benchmarks.md, bench-soak): in CI this JVM shares the
        // cores with the other fork's stack, and one GET waited 2.9 s there. What this asserts is what a
        // regression would show: GETs queued behind the uploads' checks (about a second each) put the median
        // past 250 ms, and the probe's freeze (~190 s) puts one GET past 10 s.
        assertTrue(p50 < 250, "p50 " + p50 + " ms");
        assertTrue(sorted.get(sorted.size() - 1) < 10_000, "a GET waited " + sorted.get(sorted.size() - 1) + " ms");
    }

    @Test
    void seedsBeyond63BitsAndControlCharactersAre422() {
        String big = "{\"type\": \"train\", \"dataset\": \"builtin:moons\", \"params\": {\"steps\": 5, \"seed\": %s}}";
        assertProblem(admin.postJson("/v1/jobs", String.format(big, "18446744073709551616")), 422, "/params/seed");
        assertProblem(admin.postJson("/v1/jobs", String.format(big, "9223372036854775808")), 422, "/params/seed");
        assertProblem(admin.postJson("/v1/jobs", String.format(big, "1e19")), 422, "/params/seed");
        assertProblem(admin.postJson("/v1/jobs", String.format(big, "-1")), 422, "/params/seed");
        assertProblem(admin.postJson("/v1/jobs", String.format(big, "1.5")), 422, "/params/seed");
        Http.Res ok = admin.postJson("/v1/jobs", String.format(big, "9223372036854775807"));
        assertEquals(202, ok.status(), ok.toString());
        assertEquals(Long.MAX_VALUE, ok.json().path("params").path("seed").asLong());
        assertProblem(admin.postJson("/v1/jobs", "{\"type\": \"train\", \"dataset\": \"builtin:moons\\u0000\"}"), 422,
                "/dataset");
        // 2^63 as a float once passed as a seed and ran wrapped to a negative one
        assertProblem(admin.postJson("/v1/jobs", String.format(big, "9223372036854775808.0")), 422, "/params/seed");
        // past 2^53 with a point the last digits were gone: ...993.0 ran as ...992
        assertProblem(admin.postJson("/v1/jobs/validate", String.format(big, "9007199254740993.0")), 422, "/params/seed");
        assertEquals(200, admin.postJson("/v1/jobs/validate", String.format(big, "9007199254740993")).status());
        assertEquals(200, admin.postJson("/v1/jobs/validate", String.format(big, "12.0")).status());
        // half a surrogate pair has no UTF-8 form: it was stored as '?'
        String named = "{\"type\": \"train\", \"dataset\": \"builtin:moons\", \"params\": {\"steps\": 5}, %s}";
        assertProblem(admin.postJson("/v1/jobs", String.format(named, "\"name\": \"caf\\ud800e\"")), 422, "/name");
        assertProblem(admin.postJson("/v1/jobs", String.format(named, "\"metadata\": {\"team\\udfff\": \"x\"}")), 422,
                "/metadata");
        Http.Res emoji = admin.postJson("/v1/jobs", String.format(named, "\"name\": \"run \\ud83d\\ude00\""));
        assertEquals(202, emoji.status(), emoji.toString());
        assertEquals("run \ud83d\ude00", emoji.json().path("name").asText());
        // the worker's rule on z_min and z_max, before the job is queued
        assertProblem(admin.postJson("/v1/jobs", "{\"type\": \"train\", \"dataset\": \"builtin:moons\","
                + " \"params\": {\"z_min\": 5, \"z_max\": 1}}"), 422, "/params/z_min");
        // accepted with 202, then refused by the worker: the gateway refuses them now (a third fuzzing round)
        assertProblem(admin.postJson("/v1/jobs", "{\"type\": \"train\", \"dataset\": \"builtin:discs\","
                + " \"params\": {\"holdout\": 0.3}}"), 422, "/params/holdout");
        assertProblem(admin.postJson("/v1/jobs", "{\"type\": \"generate\", \"model\": \"" + java.util.UUID.randomUUID()
                + "\", \"params\": {\"rtol\": 1}}"), 422, "/params/rtol");
        // and from a fourth: one of z_min and z_max against the other's default (PFGM++ on tables: 0.01 to 80,
        // PFGM: 0.001 to 40), a table of one row, an MLP past one array of weights
        String train = "{\"type\": \"train\", \"dataset\": \"%s\", \"params\": %s}";
        assertProblem(admin.postJson("/v1/jobs/validate", String.format(train, "builtin:ring8", "{\"z_max\": 0.001}")),
                422, "/params/z_max");
        assertProblem(admin.postJson("/v1/jobs/validate", String.format(train, "builtin:ring8", "{\"z_min\": 100}")),
                422, "/params/z_min");
        assertProblem(admin.postJson("/v1/jobs/validate", String.format(train, "builtin:ring8",
                "{\"z_min\": 50, \"aug_dim\": 1}")), 422, "/params/z_min");
        assertEquals(200, admin.postJson("/v1/jobs/validate", String.format(train, "builtin:ring8",
                "{\"z_min\": 50}")).status(), "below PFGM++'s 80");
        assertEquals(200, admin.postJson("/v1/jobs/validate", String.format(train, "builtin:discs",
                "{\"z_min\": 50}")).status(), "PFGM on images: z_max comes from the images, which the worker reads");
        String oneRow = admin.postBytes("/v1/datasets?name=one&format=csv", "x,y\n1,2\n".getBytes(UTF_8)).json()
                .path("id").asText();
        assertProblem(admin.postJson("/v1/jobs/validate", String.format(train, oneRow, "{}")), 422, "/dataset");
        assertProblem(admin.postJson("/v1/jobs/validate", String.format(train, "builtin:moons",
                "{\"hidden\": 8192, \"depth\": 64}")), 422, "/params/hidden");
        // 500s from the tables' checks: a tenant with a final line break (the schema's $ let it through), a
        // webhook whose scheme is in capitals, a port out of range
        assertProblem(admin.postJson("/v1/admin/keys", "{\"tenant\": \"x\\n\"}"), 422, "/tenant");
        // "." and "..": path segments that the quota routes could never name
        assertProblem(admin.postJson("/v1/admin/keys", "{\"tenant\": \"..\"}"), 422, "/tenant");
        assertProblem(admin.postJson("/v1/admin/keys", "{\"tenant\": \".\"}"), 422, "/tenant");
        assertProblem(admin.postJson("/v1/admin/keys", "{\"tenant\": \"x\\u2028\"}"), 422, "/tenant");
        assertProblem(admin.postJson("/v1/webhooks", "{\"url\": \"HTTP://1.1.1.1/\"}"), 422, "/url");
        assertProblem(admin.postJson("/v1/jobs", String.format(named, "\"webhook\": \"HTTPS://1.1.1.1/\"")), 422,
                "/webhook");
        assertProblem(admin.postJson("/v1/webhooks", "{\"url\": \"https://1.1.1.1:99999/\"}"), 422, "/url");
        // a dataset a queued or running job names is kept (deleted, the job failed "no longer exists")
        String ds = admin.postBytes("/v1/datasets?name=inuse&format=csv", "1,2\n3,4\n5,7\n".getBytes(
                java.nio.charset.StandardCharsets.UTF_8)).json().path("id").asText();
        String job = admin.postJson("/v1/jobs", Map.of("type", "train", "dataset", ds, "params", Map.of("steps", 200_000)))
                .json().path("id").asText();
        assertProblem(admin.delete("/v1/datasets/" + ds), 409, null);
        admin.postJson("/v1/jobs/" + job + "/cancel", Map.of());
        // 2^60 + 1 passed the schema's maximum of 2^60, compared as a double, and was stored
        assertProblem(admin.putJson("/v1/admin/tenants/t-max/quotas", "{\"stored_bytes\": 1152921504606846977}"), 422,
                "/stored_bytes");
        assertEquals(200, admin.putJson("/v1/admin/tenants/t-max/quotas", "{\"stored_bytes\": 1152921504606846976}")
                .status());
        // 2^60 with a point is 2^60 too (it was read through the double's shortest decimal, ...980, and refused)
        assertEquals(200, admin.putJson("/v1/admin/tenants/t-max/quotas", "{\"stored_bytes\": 1152921504606846976.0}")
                .status());
    }

    /** Bytes that are not a request the API reads: problem+json with a 4xx, never a 500 or an empty body. */
    @Test
    void malformedQueriesKeysAndHeadersAre4xxProblems() throws Exception {
        int before = datasets();
        String badQuery = "(?s)HTTP/1.1 400 .*application/problem\\+json.*\"pointer\":\"/query\".*";
        assertTrue(raw("GET /v1/jobs?limit=%zz", "").matches(badQuery), "a malformed %-escape");
        assertTrue(raw("GET /v1/datasets?after=%", "").matches(badQuery), "a cut %-escape");
        // before authentication too: the upload route read its query first
        assertTrue(raw("POST /v1/datasets?name=x&format=%zz", "Content-Length: 4\r\n\r\n1,2\n").matches(badQuery),
                "an upload's query");
        // JSON bodies are strict: a key given twice ("type" twice was the last one's job), a comment, a media
        // type that only begins like JSON's
        assertProblem(admin.postJson("/v1/jobs/validate", "{\"type\": \"train\", \"type\": \"generate\","
                + " \"dataset\": \"builtin:moons\"}"), 400, "/body");
        assertProblem(admin.postJson("/v1/jobs/validate", "{\"type\": \"train\", /* c */ \"dataset\": \"builtin:moons\"}"),
                400, "/body");
        String jsonx = "{\"type\": \"train\", \"dataset\": \"builtin:moons\"}";
        assertTrue(raw("POST /v1/jobs/validate", "Content-Type: application/jsonx\r\nContent-Length: " + jsonx.length()
                + "\r\n\r\n" + jsonx).startsWith("HTTP/1.1 415"));
        assertTrue(raw("POST /v1/jobs/validate", "Content-Type: application/json; charset=utf-8\r\nContent-Length: "
                + jsonx.length() + "\r\n\r\n" + jsonx).startsWith("HTTP/1.1 200"));
        // percent-escapes that are not UTF-8 (the overlong %C0%AF was read as "/"), raw non-ASCII bytes, and a
        // parameter given twice (one of its values was taken silently): 400s naming the query or the parameter
        assertTrue(raw("POST /v1/datasets?name=a%C0%AFb&format=csv", "Content-Length: 4\r\n\r\n1,2\n")
                .matches(badQuery), "an overlong UTF-8 escape");
        assertTrue(raw("GET /v1/jobs?name=caf\u00e9", "").matches(badQuery), "a raw non-ASCII byte");
        assertTrue(raw("GET /v1/jobs?limit=1&limit=2", "").matches("(?s)HTTP/1.1 400 .*\"pointer\":\"/query/limit\".*"));
        assertTrue(raw("GET /v1/jobs?metadata%5Bk%5D=1&metadata%5Bk%5D=2", "")
                .matches("(?s)HTTP/1.1 400 .*\"pointer\":\"/query/metadata\\[k]\".*"));
        assertEquals(200, admin.get("/v1/jobs?name=caf%C3%A9").status(), "UTF-8 escapes are fine");
        assertEquals(before, datasets());
        // a method a route does not serve: 405 naming the ones it does (a GET here reached the dashboard's files: 404)
        Http.Res get = admin.get("/v1/jobs/" + java.util.UUID.randomUUID() + "/cancel");
        assertProblem(get, 405, null);
        assertEquals("POST", get.header("Allow"));
        Http.Res put = admin.putJson("/v1/jobs", Map.of());
        assertProblem(put, 405, null);
        assertEquals("GET, HEAD, POST", put.header("Allow"));
        assertProblem(admin.delete("/v1/admin/keys/%00"), 404, null);
        assertProblem(admin.delete("/v1/admin/keys/" + "x".repeat(300)), 404, null);
        // a header past the decoder's limit, and one with a control character: refused by the HTTP layer
        assertTrue(raw("GET /v1/jobs", "X-Big: " + "a".repeat(20_000) + "\r\n")
                .matches("(?s)HTTP/1.1 431 .*application/problem\\+json.*"), "431 as problem+json");
        assertTrue(raw("GET /v1/jobs", "Idempotency-Key: a\u0001b\r\n")
                .matches("(?s)HTTP/1.1 400 .*application/problem\\+json.*"), "400 as problem+json");
        // an absolute-form target (RFC 9112 section 3.2.2), which a HEAD rerouted whole: a 500
        String head = raw("HEAD " + stack.url() + "/v1/quotas?x=1", "");
        assertTrue(head.startsWith("HTTP/1.1 200") && head.endsWith("\r\n\r\n"), head);
        assertTrue(raw("GET " + stack.url() + "/v1/quotas", "").startsWith("HTTP/1.1 200"));
    }

    /**
     * What a job's body takes, its list's filters find: names and metadata count characters as the
     * schema does (200 emoji were 400 UTF-16 units, a 400); a metadata filter that is not
     * metadata[KEY]=VALUE is refused (it listed every job); validate checks an Idempotency-Key's form.
     */
    @Test
    void listFiltersFindWhatABodyMayHoldAndRefuseWhatTheyCannotRead() {
        String name = "\uD83D\uDE00".repeat(200);
        String key = "\uD83D\uDE00".repeat(64);
        Map<String, Object> job = Map.of("type", "train", "dataset", "builtin:moons", "params", Map.of("steps", 5), "name",
                name, "metadata", Map.of(key, "v"));
        Http.Res made = third.postJson("/v1/jobs", job);
        assertEquals(202, made.status(), made.toString());
        String id = made.json().path("id").asText();
        try {
            String enc = java.net.URLEncoder.encode(name, StandardCharsets.UTF_8);
            Http.Res byName = third.get("/v1/jobs?name=" + enc);
            assertEquals(200, byName.status(), byName.toString());
            assertEquals(id, byName.json().path("data").path(0).path("id").asText());
            Http.Res byMetadata = third.get("/v1/jobs?metadata%5B" + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8)
                    + "%5D=v");
            assertEquals(200, byMetadata.status(), byMetadata.toString());
            assertEquals(id, byMetadata.json().path("data").path(0).path("id").asText());
            assertProblem(third.get("/v1/jobs?name=" + enc + "x"), 400, "/query/name");
            assertProblem(third.get("/v1/jobs?metadata%5Bk=x"), 400, "/query/metadata[k");
            assertProblem(third.get("/v1/jobs?metadata=x"), 400, "/query/metadata");
            for (String bad : List.of("", "a\tb", "k".repeat(201))) {
                assertProblem(third.postJson("/v1/jobs/validate", job, Map.of("Idempotency-Key", bad)), 400,
                        "/header/Idempotency-Key");
            }
        } finally {
            third.postJson("/v1/jobs/" + id + "/cancel", Map.of());
        }
    }

    /**
     * A chunked body whose framing breaks (a chunk size that is not hexadecimal, or past 2^63): a 400
     * problem on a JSON route and on an upload, whether the break comes with the headers or a second
     * later, and the upload's slot is free again. Vert.x closed these connections without an answer.
     */
    @Test
    void aBodyWhoseChunkedFramingBreaksIsA400Problem() throws Exception {
        int before = datasets();
        String broken = "(?si)HTTP/1.1 400 .*application/problem\\+json.*not valid HTTP/1.1: .*chunk size.*";
        String json = "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertTrue(raw("POST /v1/jobs", json + "ZZ\r\n{}\r\n0\r\n\r\n").matches(broken), "not hexadecimal");
        assertTrue(raw("POST /v1/jobs", json + "F".repeat(20) + "\r\n{}\r\n0\r\n\r\n").matches(broken), "overflow");
        String upload = "Content-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n5\r\na,b\n1\r\n";
        assertTrue(raw("POST /v1/datasets?name=c.csv&format=csv", upload + "QQ\r\n").matches(broken), "an upload");
        URI u = URI.create(stack.url());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("POST /v1/datasets?name=c.csv&format=csv HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + stack.adminKey() + "\r\n" + upload).getBytes(StandardCharsets.US_ASCII));
            awaitUploadsInFlight(1); // receiving: the break reaches the reader of the body
            s.getOutputStream().write("QQ\r\n".getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(reply.matches(broken), reply);
        }
        awaitUploadsInFlight(0);
        assertEquals(before, datasets());
    }

    /** A job body of 70,000 unknown keys (about 900 KB): a 422 at once, and other requests answered meanwhile. */
    @Test
    void aBodyOfManyUnknownKeysIsRefusedWithoutHoldingTheGateway() throws Exception {
        StringBuilder body = new StringBuilder("{\"type\": \"train\", \"dataset\": \"builtin:moons\"");
        for (int i = 0; i < 70_000; i++) {
            body.append(", \"k").append(i).append("\": 1");
        }
        String json = body.append('}').toString();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Http.Res>> attacks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                attacks.add(pool.submit(() -> admin.postJson("/v1/jobs/validate", json)));
            }
            for (Future<Http.Res> a : attacks) {
                Http.Res r = a.get(60, TimeUnit.SECONDS);
                assertProblem(r, 422, "/k0");
                assertEquals(100, r.json().path("errors").size(), "the first 100 of 70000 listed");
            }
            assertEquals(200, admin.get("/v1/quotas").status());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Made-up request methods add no metric series: each name made about 29 new ones (ours and
     * Vert.x's), without a key, so a client could grow the gateway's and Prometheus' memory at will.
     */
    @Test
    void madeUpMethodsAddNoMetricSeries() throws Exception {
        for (int i = 0; i < 20; i++) {
            String answer = raw("ZZTOP" + i + " /v1/jobs", "");
            assertTrue(answer.startsWith("HTTP/1.1 405"), answer);
        }
        String metrics = Http.fetch(stack.url() + "/metrics").text();
        assertFalse(metrics.contains("ZZTOP"), "a series names a made-up method");
        assertTrue(metrics.contains("method=\"other\""), "they are counted as other");
    }

    /**
     * A request sent as raw bytes (what java.net.URI would refuse to build): its request line's method
     * and target, then {@code rest} after the Host and key lines (more headers; an empty line and a
     * body when it has one). The whole response as text.
     */
    private String raw(String methodAndTarget, String rest) throws IOException {
        URI u = URI.create(stack.url());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(20_000);
            String head = methodAndTarget + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
                    + stack.adminKey() + "\r\n";
            s.getOutputStream().write((head + (rest.contains("\r\n\r\n") ? rest : rest + "\r\n"))
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    // ---- raw HTTP, for what a polite client would not send ----

    /** POSTs with a declared length (or chunked when -1), sending {@code send} bytes; returns the response head. */
    private String rawPost(String path, String key, long contentLength, long send) throws IOException {
        URI u = URI.create(stack.url());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            String head = "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n"
                    + (contentLength >= 0 ? "Content-Length: " + contentLength : "Transfer-Encoding: chunked") + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[1 << 16];
            try {
                for (long left = send; left > 0; left -= block.length) {
                    if (contentLength < 0) {
                        out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(block);
                    if (contentLength < 0) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
            } catch (IOException closedEarly) {
                // the gateway answered and closed while we were still sending: read what it said
            }
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(12);
            return new String(reply, StandardCharsets.US_ASCII);
        }
    }

    /** An upload that declares {@code length} bytes and sends {@code sent} of them, left open. */
    private Socket openUpload(String key, int length, int sent) throws IOException {
        URI u = URI.create(stack.url());
        Socket s = new Socket(u.getHost(), u.getPort());
        String head = "POST /v1/datasets?name=slow&format=csv HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + key + "\r\nContent-Length: " + length + "\r\n\r\n";
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write("1,2\n".repeat(sent).getBytes(StandardCharsets.US_ASCII), 0, sent);
        s.getOutputStream().flush();
        return s;
    }

    // ---- hostile files ----

    private static byte[] npyRaw(String dict) {
        byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(12 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(h.length).put(h);
        return b.array();
    }

    private static byte[] npy(String shape, byte[] data) {
        byte[] h = ("{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h).put(data);
        return b.array();
    }

    private static byte[] idx(long n, long h, long w, int data) {
        return ByteBuffer.allocate(16 + data).putInt(0x803).putInt((int) n).putInt((int) h).putInt((int) w).array();
    }

    private static byte[] gzip(byte[] head, long zeros) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            gz.write(head);
            byte[] block = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= block.length) {
                gz.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return out.toByteArray();
    }

    /** A minimal PNG header (signature and IHDR, checksum right) claiming w x h, 8-bit grayscale. */
    private static byte[] pngClaiming(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(33);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}).putInt(13).put("IHDR".getBytes(UTF_8))
                .putInt(w).putInt(h).put(new byte[] {8, 0, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(b.array(), 12, 17);
        return b.putInt((int) crc.getValue()).array();
    }

    private static byte[] zip(String name, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(data);
            z.closeEntry();
        }
        return out.toByteArray();
    }

    private static byte[] zipOfZeros(int entries, long each) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] block = new byte[1 << 20];
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < entries; i++) {
                z.putNextEntry(new ZipEntry(i + ".png"));
                for (long left = each; left > 0; left -= block.length) {
                    z.write(block, 0, (int) Math.min(block.length, left));
                }
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static byte[] csvRows(int rows) {
        StringBuilder sb = new StringBuilder("a,b,c\n");
        for (int i = 0; i < rows; i++) {
            sb.append(i % 97).append(".25,").append(i % 13).append(",-").append(i % 7).append(".5\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
