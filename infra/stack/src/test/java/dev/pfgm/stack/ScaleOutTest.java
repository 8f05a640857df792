package dev.pfgm.stack;

import static dev.pfgm.stack.ServiceTest.submit;
import static dev.pfgm.stack.ServiceTest.waitFor;
import static dev.pfgm.stack.ServiceTest.waitTerminal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.gateway.Gateway;
import dev.pfgm.shared.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways and three workers on one PostgreSQL, Kafka and S3: what holds for one gateway holds
 * for two. Parallel submissions with one Idempotency-Key spread over both gateways make one job;
 * jobs submitted on either run exactly once (both relays publish, workers dedupe by the claim);
 * a job submitted on one gateway is cancelled through the other; a worker stopped mid-job hands
 * its job back and another finishes it.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutTest {
    @TempDir
    static Path tmp;
    @AutoClose
    Stack stack;
    Gateway second;
    Http a;
    Http b;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 3, ServiceTest.QUICK_RECOVERY));
        second = Gateway.start(stack.config().with(Map.of(Settings.HTTP_PORT.name(), "0")));
        a = new Http(stack.url(), stack.adminKey());
        b = new Http("http://127.0.0.1:" + second.port(), stack.adminKey());
    }

    @AfterAll
    void stopSecondGateway() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void oneIdempotencyKeyOverTwoGatewaysMakesOneJob() throws Exception {
        String key = "scale-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("type", "train", "dataset", "builtin:moons", "params", Map.of("steps", 5));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Http.Res>> sent = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Http via = i % 2 == 0 ? a : b;
            sent.add(pool.submit(() -> via.postJson("/v1/jobs", body, Map.of("Idempotency-Key", key))));
        }
        Set<String> ids = new HashSet<>();
        for (Future<Http.Res> f : sent) {
            Http.Res r = f.get();
            assertEquals(202, r.status(), r.toString());
            ids.add(r.json().path("id").asText());
        }
        pool.shutdown();
        assertEquals(1, ids.size(), "one job for one key: " + ids);
        String id = ids.iterator().next();
        assertEquals("succeeded", waitTerminal(a, id, 60).path("status").asText());
        long queuedEvents = 0;
        for (JsonNode e : b.get("/v1/jobs/" + id + "/events?after=0&limit=1000").json().path("data")) {
            if (e.path("kind").asText().equals("status") && e.path("data").path("status").asText().equals("queued")) {
                queuedEvents++;
            }
        }
        assertEquals(1, queuedEvents, "one queued event");
    }

    @Test
    void jobsFromBothGatewaysRunExactlyOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(submit(i % 2 == 0 ? a : b, Map.of("type", "train", "dataset", "builtin:moons",
                    "params", Map.of("steps", 20, "seed", i))));
        }
        for (String id : ids) {
            JsonNode j = waitTerminal(b, id, 120);
            assertEquals("succeeded", j.path("status").asText(), j.toString());
            assertEquals(1, j.path("attempt").asInt(), "ran once: " + j);
            long running = 0;
            for (JsonNode e : a.get("/v1/jobs/" + id + "/events?after=0&limit=1000").json().path("data")) {
                running += e.path("data").path("status").asText().equals("running") ? 1 : 0;
            }
            assertEquals(1, running, "one claim of job " + id);
        }
    }

    @Test
    void cancelThroughTheOtherGatewayAndHandBackWhenAWorkerStops() throws Exception {
        String job = submit(a, Map.of("type", "train", "dataset", "builtin:moons", "params", Map.of("steps", 2_000_000)));
        waitFor(b, job, j -> j.path("status").asText().equals("running"), 60);
        assertEquals(200, b.postJson("/v1/jobs/" + job + "/cancel", "").status());
        assertEquals("cancelled", waitTerminal(a, job, 10).path("status").asText());

        String moved = submit(b, Map.of("type", "train", "dataset", "builtin:moons", "params", Map.of("steps", 5_000)));
        waitFor(a, moved, j -> j.path("status").asText().equals("running"), 60);
        String owner = "";
        for (JsonNode e : a.get("/v1/jobs/" + moved + "/events?after=0&limit=1000").json().path("data")) {
            if (e.path("data").path("status").asText().equals("running")) {
                owner = e.path("data").path("worker").asText();
            }
        }
        // a graceful stop hands the job back at once; another worker takes it
        assertTrue(stack.stopWorker(owner), "worker " + owner + " was running it");
        JsonNode end = waitTerminal(b, moved, 180);
        assertEquals("succeeded", end.path("status").asText(), end.toString());
        assertTrue(end.path("attempt").asInt() >= 2, "finished by another worker after a new attempt: " + end);
        // the hand-back spent none of the job's attempts: each one gave its attempt back
        int handedBack = 0;
        for (JsonNode e : end.path("errors")) {
            assertEquals("worker_stopped", e.path("code").asText(), end.toString());
            assertTrue(e.path("message").asText().endsWith("the attempt is given back"), end.toString());
            handedBack++;
        }
        assertTrue(handedBack >= 1, end.toString());
        assertEquals(3 + handedBack, end.path("max_attempts").asInt(), "max_attempts grew by the hand-backs: " + end);
    }
}
