package dev.pfgm.stack;

import static dev.pfgm.stack.ServiceTest.assertProblem;
import static dev.pfgm.stack.ServiceTest.submit;
import static dev.pfgm.stack.ServiceTest.waitFor;
import static dev.pfgm.stack.ServiceTest.waitTerminal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.pfgm.gateway.Gateway;
import dev.pfgm.shared.config.Settings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks end to end on a real stack: a receiver on loopback (allowed here by
 * PFGM_WEBHOOK_ALLOW_PRIVATE=1) verifies each delivery's Standard Webhooks signature with its own
 * HMAC, rejects a tampered one, sees a failed delivery retried, and the job's log records it; a
 * gateway with the default settings refuses private and non-http targets.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookTest {
    @TempDir
    static Path tmp;
    @AutoClose
    Stack stack;
    Http api;
    HttpServer receiver;
    String base;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger flakyCalls = new AtomicInteger();

    record Received(String path, String id, String timestamp, String signature, String body) {
        JsonNode json() throws Exception {
            return Http.JSON.readTree(body);
        }
    }

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 1, Map.of(
                Settings.WEBHOOK_ALLOW_PRIVATE.name(), "1", Settings.WEBHOOK_RETRY_SECONDS.name(), "1")));
        api = new Http(stack.url(), stack.adminKey());
        receiver = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
        receiver.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            received.add(new Received(path, ex.getRequestHeaders().getFirst("webhook-id"),
                    ex.getRequestHeaders().getFirst("webhook-timestamp"),
                    ex.getRequestHeaders().getFirst("webhook-signature"), body));
            // /flaky fails its first call: the service must try again
            int status = path.equals("/flaky") && flakyCalls.getAndIncrement() == 0 ? 500 : 204;
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
        base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    }

    @AfterAll
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    /** Standard Webhooks verification, written here apart from the service's signer. */
    static boolean verifies(String secret, Received r, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(
                (r.id() + "." + r.timestamp() + "." + body).getBytes(StandardCharsets.UTF_8)));
        for (String part : r.signature().split(" ")) {
            if (part.equals("v1," + expected)) {
                return true;
            }
        }
        return false;
    }

    private List<Received> waitForDeliveries(String path, String event, int count) throws Exception {
        return waitForDeliveries(path, event, count, 60);
    }

    private List<Received> waitForDeliveries(String path, String event, int count, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            List<Received> got = new ArrayList<>();
            for (Received r : received) {
                if (r.path().equals(path) && r.json().path("type").asText().equals(event)) {
                    got.add(r);
                }
            }
            if (got.size() >= count) {
                return got;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + event + " at " + path + " within " + seconds + " s; received " + received);
    }

    @Test
    void aJobsOwnWebhookIsToldOfItsEndSignedAndLogged() throws Exception {
        String id = submit(api, Map.of("type", "train", "dataset", "builtin:moons", "name", "hooked",
                "metadata", Map.of("k", "v"), "webhook", base + "/job", "params", Map.of("steps", 20)));
        assertEquals(base + "/job", api.get("/v1/jobs/" + id).json().path("webhook").asText());
        Received r = waitForDeliveries("/job", "job.succeeded", 1).get(0);
        JsonNode event = r.json();
        assertEquals(id, event.path("data").path("id").asText());
        assertEquals("succeeded", event.path("data").path("status").asText());
        assertEquals("hooked", event.path("data").path("name").asText());
        assertEquals("v", event.path("data").path("metadata").path("k").asText());
        assertTrue(event.path("data").path("result").has("model"));
        assertFalse(event.path("data").path("result").has("artifacts"), "object keys stay internal");
        String secret = api.get("/v1/webhooks").json().path("job_webhook_secret").asText();
        assertTrue(secret.startsWith("whsec_"), secret);
        assertTrue(verifies(secret, r, r.body()), "the signature verifies with the tenant's secret");
        assertFalse(verifies(secret, r, r.body().replace("succeeded", "failed")), "a tampered body does not");
        assertFalse(verifies("whsec_" + Base64.getEncoder().encodeToString(new byte[32]), r, r.body()),
                "nor another secret");
        long age = System.currentTimeMillis() / 1000 - Long.parseLong(r.timestamp());
        assertTrue(age >= 0 && age < 120, "timestamp is now: " + age);
        assertTrue(r.id().startsWith("msg_"));
        JsonNode log = waitFor(api, id, j -> true, 1);
        // the sender records the answer after the endpoint gave it: the log says delivered a moment later
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode deliveries = api.get("/v1/jobs/" + id + "/webhooks").json().path("data");
        while (deliveries.path(0).path("status").asText().equals("pending") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            deliveries = api.get("/v1/jobs/" + id + "/webhooks").json().path("data");
        }
        assertEquals(1, deliveries.size(), deliveries.toString());
        JsonNode d = deliveries.get(0);
        assertEquals("job.succeeded", d.path("event").asText());
        assertEquals("delivered", d.path("status").asText());
        assertEquals(1, d.path("attempts").asInt());
        assertEquals(204, d.path("last_status").asInt());
        assertTrue(log.path("terminal").asBoolean());
    }

    @Test
    void anEndpointGetsWhatItAskedForRetriedUntilDelivered() throws Exception {
        Http.Res made = api.postJson("/v1/webhooks", Map.of("url", base + "/flaky",
                "events", List.of("job.cancelled", "job.progress")));
        assertEquals(201, made.status(), made.toString());
        String secret = made.json().path("secret").asText();
        String id = submit(api, Map.of("type", "train", "dataset", "builtin:moons", "params", Map.of("steps", 5000)));
        waitFor(api, id, j -> j.path("progress").path("completed").asDouble() >= 100, 120);
        api.postJson("/v1/jobs/" + id + "/cancel", Map.of());
        waitTerminal(api, id, 60);
        Received cancelled = waitForDeliveries("/flaky", "job.cancelled", 1).get(0);
        assertTrue(verifies(secret, cancelled, cancelled.body()), "signed with the endpoint's own secret");
        assertEquals(id, cancelled.json().path("data").path("id").asText());
        assertFalse(waitForDeliveries("/flaky", "job.progress", 1).isEmpty(), "progress, as asked");
        // the first call to /flaky answered 500: that delivery was tried again and got through
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode retried = null;
        while (retried == null && System.nanoTime() < deadline) {
            for (JsonNode d : api.get("/v1/jobs/" + id + "/webhooks").json().path("data")) {
                if (d.path("attempts").asInt() >= 2 && d.path("status").asText().equals("delivered")) {
                    retried = d;
                }
            }
            Thread.sleep(200);
        }
        assertTrue(retried != null, api.get("/v1/jobs/" + id + "/webhooks").toString());
        assertEquals(204, retried.path("last_status").asInt());
        // removing the endpoint stops its deliveries, and the job's log keeps what was sent (it cascaded away)
        int logged = api.get("/v1/jobs/" + id + "/webhooks").json().path("data").size();
        assertEquals(204, api.delete("/v1/webhooks/" + made.json().path("id").asText()).status());
        assertEquals(0, api.get("/v1/webhooks").json().path("data").size());
        JsonNode kept = api.get("/v1/jobs/" + id + "/webhooks").json().path("data");
        assertEquals(logged, kept.size(), kept.toString());
        for (JsonNode d : kept) {
            assertTrue(d.path("endpoint").isNull(), d.toString());
            assertFalse(d.path("status").asText().equals("pending"), "nothing left to send: " + d);
        }
    }

    @Test
    void privateAndNonHttpTargetsAreRefusedByDefault() throws Exception {
        Gateway strict = Gateway.start(stack.config().with(Map.of(Settings.HTTP_PORT.name(), "0",
                Settings.WEBHOOK_ALLOW_PRIVATE.name(), "0")));
        try {
            Http s = new Http("http://127.0.0.1:" + strict.port(), stack.adminKey());
            for (String url : List.of(base + "/x", "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data",
                    "http://[::1]:8080/x", "ftp://example.com/x", "http://user:pw@example.com/x", "not a url")) {
                assertProblem(s.postJson("/v1/webhooks", Map.of("url", url)), 422, "/url");
                assertProblem(s.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons", "webhook", url)),
                        422, "/webhook");
            }
            assertProblem(s.postJson("/v1/webhooks", Map.of("url", "https://example.com/x", "events", List.of("job.exploded"))),
                    422, null);
        } finally {
            strict.close();
        }
    }

    /**
     * One tenant's 20 endpoints that accept a connection and never answer (15 s each before the
     * sender gives up) hold at most 4 of a gateway's 8 connections, and the 4 at once (what a tenant
     * alone always had); another tenant's delivery arrives within seconds. Sent a batch of 16 at a
     * time over 4 connections, it waited a minute or more.
     */
    @Test
    void oneTenantsEndpointsThatNeverAnswerDoNotHoldUpAnotherTenants() throws Exception {
        List<java.net.Socket> held = new CopyOnWriteArrayList<>();
        List<Long> acceptedAt = new CopyOnWriteArrayList<>();
        try (java.net.ServerSocket tarpit = new java.net.ServerSocket(0, 64, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(tarpit.accept());
                        acceptedAt.add(System.nanoTime());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Http silent = api.as(api.postJson("/v1/admin/keys", Map.of("tenant", "silent")).json().path("key").asText());
            for (int i = 0; i < 20; i++) {
                assertEquals(201, silent.postJson("/v1/webhooks", Map.of("url", "http://127.0.0.1:"
                        + tarpit.getLocalPort() + "/t" + i, "events", List.of("job.succeeded"))).status());
            }
            String quiet = submit(silent, Map.of("type", "train", "dataset", "builtin:moons", "params", Map.of("steps", 20)));
            waitTerminal(silent, quiet, 60);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acceptedAt.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(4, acceptedAt.size(), "the silent tenant's deliveries run 4 at once");
            JsonNode unanswered = silent.get("/v1/jobs/" + quiet + "/webhooks").json().path("data").path(0);
            assertTrue(unanswered.path("last_status").isNull(), "no answer yet, no status: " + unanswered);

            Http punctual = api.as(api.postJson("/v1/admin/keys", Map.of("tenant", "punctual")).json().path("key")
                    .asText());
            String id = submit(punctual, Map.of("type", "train", "dataset", "builtin:moons", "webhook",
                    base + "/punctual", "params", Map.of("steps", 20)));
            waitTerminal(punctual, id, 60);
            long ended = System.nanoTime();
            waitForDeliveries("/punctual", "job.succeeded", 1, 10);
            double seconds = (System.nanoTime() - ended) / 1e9;
            assertTrue(seconds < 10, "delivered " + seconds + " s after the job ended");
            // none of the silent tenant's first 4 has timed out (15 s) before 14 s: no fifth connection
            long first = acceptedAt.get(0);
            assertEquals(4, acceptedAt.stream().filter(t -> t - first < TimeUnit.SECONDS.toNanos(14)).count(),
                    "at most 4 of one tenant's deliveries at once");
            for (JsonNode e : silent.get("/v1/webhooks").json().path("data")) {
                assertEquals(204, silent.delete("/v1/webhooks/" + e.path("id").asText()).status());
            }
            // the 16 still waiting and the 4 in flight end with their endpoints (their late answers change nothing)
            JsonNode log = silent.get("/v1/jobs/" + quiet + "/webhooks").json().path("data");
            assertEquals(20, log.size(), log.toString());
            for (JsonNode d : log) {
                assertEquals("failed", d.path("status").asText(), d.toString());
                assertEquals("not sent: the endpoint was deleted", d.path("last_error").asText(), d.toString());
            }
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
    }

    /**
     * A receiver that answers 200 and then streams its body a byte a second: the answer's status is
     * what delivers, and the sender hangs up at once. It read the body to its end, so such a receiver
     * held a sender for as long as it liked (and the 15 s bound covered only the headers).
     */
    @Test
    void aReceiverThatTricklesItsAnswersBodyHoldsNoSender() throws Exception {
        List<Long> hungUpAfter = new CopyOnWriteArrayList<>();
        try (java.net.ServerSocket trickle = new java.net.ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try {
                    while (true) {
                        java.net.Socket c = trickle.accept();
                        Thread t = new Thread(() -> {
                            long t0 = System.nanoTime();
                            try (c) {
                                c.getInputStream().read(new byte[65536]);
                                java.io.OutputStream out = c.getOutputStream();
                                out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                                for (int i = 0; i < 120; i++) {
                                    out.write('x');
                                    out.flush();
                                    Thread.sleep(500);
                                }
                            } catch (java.io.IOException | InterruptedException e) {
                                hungUpAfter.add(System.nanoTime() - t0); // the sender closed the connection
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            server.setDaemon(true);
            server.start();
            String id = submit(api, Map.of("type", "train", "dataset", "builtin:moons", "webhook",
                    "http://127.0.0.1:" + trickle.getLocalPort() + "/slow", "params", Map.of("steps", 20)));
            waitTerminal(api, id, 60);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            JsonNode d = api.get("/v1/jobs/" + id + "/webhooks").json().path("data").path(0);
            while (!d.path("status").asText().equals("delivered") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                d = api.get("/v1/jobs/" + id + "/webhooks").json().path("data").path(0);
            }
            assertEquals("delivered", d.path("status").asText(), d.toString());
            assertEquals(200, d.path("last_status").asInt());
            assertEquals(1, d.path("attempts").asInt());
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (hungUpAfter.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, hungUpAfter.size(), "one connection, closed by the sender");
            assertTrue(hungUpAfter.get(0) < TimeUnit.SECONDS.toNanos(5), hungUpAfter.get(0) / 1e9 + " s");
        }
    }

    /** Every event of every job fans out to each endpoint: a tenant has at most 20, even when it asks for many at once. */
    @Test
    void aTenantHasAtMostTwentyEndpoints() throws Exception {
        Http t = api.as(api.postJson("/v1/admin/keys", Map.of("tenant", "hooks")).json().path("key").asText());
        for (int i = 0; i < 17; i++) {
            assertEquals(201, t.postJson("/v1/webhooks", Map.of("url", base + "/n" + i)).status());
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Http.Res>> racing = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String url = base + "/race" + i;
                racing.add(pool.submit(() -> t.postJson("/v1/webhooks", Map.of("url", url))));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var f : racing) {
                statuses.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS).status());
            }
            assertEquals(3, statuses.stream().filter(x -> x == 201).count(), statuses.toString());
            assertEquals(3, statuses.stream().filter(x -> x == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        JsonNode all = t.get("/v1/webhooks").json().path("data");
        assertEquals(20, all.size());
        assertProblem(t.postJson("/v1/webhooks", Map.of("url", base + "/one-more")), 409, null);
        assertEquals(204, t.delete("/v1/webhooks/" + all.get(0).path("id").asText()).status());
        assertEquals(201, t.postJson("/v1/webhooks", Map.of("url", base + "/one-more")).status());
        for (JsonNode e : t.get("/v1/webhooks").json().path("data")) {
            assertEquals(204, t.delete("/v1/webhooks/" + e.path("id").asText()).status());
        }
    }
}
