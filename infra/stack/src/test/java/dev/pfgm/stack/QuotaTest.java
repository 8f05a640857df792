package dev.pfgm.stack;

import static dev.pfgm.stack.ServiceTest.assertProblem;
import static dev.pfgm.stack.ServiceTest.waitTerminal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas on a real stack: an admin sets them, a tenant reads them with its usage, and each is
 * enforced: unfinished jobs (429, exact under parallel submissions), jobs running at once (the
 * rest wait queued), stored bytes (413), estimated work per job (422), wall-clock per job
 * (time_limit, not retried) and requests per minute per key (429 with Retry-After and RateLimit headers).
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuotaTest {
    @TempDir
    static Path tmp;
    @AutoClose
    Stack stack;
    Http admin;

    @BeforeAll
    void start() throws Exception {
        // two workers, so that the running_jobs quota of 1 (not the worker count) is what holds jobs back
        // and a quick hand-off, so that the idle worker soon reads every partition (and meets the quota)
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 2,
                Map.of(dev.pfgm.shared.config.Settings.HANDOFF_SECONDS.name(), "1")));
        admin = new Http(stack.url(), stack.adminKey());
    }

    private Http tenant(String name, Map<String, Object> quotas) {
        Http.Res put = admin.putJson("/v1/admin/tenants/" + name + "/quotas", quotas);
        assertEquals(200, put.status(), put.toString());
        return admin.as(admin.postJson("/v1/admin/keys", Map.of("tenant", name)).json().path("key").asText());
    }

    @Test
    void adminsSetQuotasAndTenantsReadThemWithTheirUsage() {
        Http t = tenant("reader", Map.of("active_jobs", 7, "job_seconds", 600));
        JsonNode q = t.get("/v1/quotas").json();
        assertEquals(7, q.path("quotas").path("active_jobs").asInt());
        assertEquals(600, q.path("quotas").path("job_seconds").asInt());
        assertEquals(q.path("defaults").path("running_jobs").asInt(), q.path("quotas").path("running_jobs").asInt(),
                "an unset quota is the default");
        assertEquals(0, q.path("usage").path("active_jobs").asInt());
        Map<String, Object> reset = new HashMap<>();
        reset.put("active_jobs", null);
        assertEquals(q.path("defaults").path("active_jobs").asInt(),
                admin.putJson("/v1/admin/tenants/reader/quotas", reset).json().path("quotas").path("active_jobs").asInt(),
                "null returns a quota to the default");
        assertProblem(t.putJson("/v1/admin/tenants/reader/quotas", Map.of("active_jobs", 100)), 403, null);
        assertProblem(admin.putJson("/v1/admin/tenants/reader/quotas", Map.of("active_jobs", 0)), 422, "/active_jobs");
        assertProblem(admin.putJson("/v1/admin/tenants/reader/quotas", Map.of("colour", 1)), 422, "/colour");
        // a malformed name in the path is a bad request, as a malformed query is (it was a 422, like a body's)
        assertProblem(admin.putJson("/v1/admin/tenants/a%00b/quotas", Map.of("active_jobs", 1)), 400, "/path/tenant");
        assertProblem(admin.get("/v1/admin/tenants/a%20b/quotas"), 400, "/path/tenant");
    }

    @Test
    void jobsBeyondTheWorkBudgetAreRefusedBeforeTheyQueue() {
        Http t = tenant("budget", Map.of("job_gflop", 100_000));
        assertProblem(t.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "params", Map.of("steps", 10_000_000))), 422, "/params");
        assertProblem(t.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "params", Map.of("steps", 1000, "hidden", 4096, "depth", 32, "batch", 65_536))), 422, "/params");
        assertEquals(202, t.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "params", Map.of("steps", 50))).status(), "a small job passes");
    }

    @Test
    void unfinishedAndRunningJobsAreBoundedAndTheWallClockEndsAJob() throws Exception {
        Http t = tenant("busy", Map.of("active_jobs", 3, "running_jobs", 1, "job_seconds", 5));
        Map<String, Object> longTrain = Map.of("type", "train", "dataset", "builtin:moons",
                "params", Map.of("steps", 5_000_000, "batch", 16));
        // 8 parallel submissions against a quota of 3: exactly 3 accepted
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Http.Res>> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sent.add(pool.submit(() -> t.postJson("/v1/jobs", longTrain)));
        }
        List<String> accepted = new ArrayList<>();
        int refused = 0;
        for (Future<Http.Res> f : sent) {
            Http.Res r = f.get();
            if (r.status() == 202) {
                accepted.add(r.json().path("id").asText());
            } else {
                assertProblem(r, 429, null);
                assertNotNull(r.header("Retry-After"));
                refused++;
            }
        }
        pool.shutdown();
        assertEquals(3, accepted.size(), "accepted exactly the active_jobs quota");
        assertEquals(5, refused);
        assertEquals(3, t.get("/v1/quotas").json().path("usage").path("active_jobs").asInt());

        // one runs at a time; it ends with time_limit after 5 s, not retried; then the next runs
        JsonNode first = null;
        boolean sawWaiting = false;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (first == null && System.nanoTime() < deadline) {
            int running = 0;
            for (String id : accepted) {
                JsonNode j = t.get("/v1/jobs/" + id).json();
                if (j.path("status").asText().equals("running")) {
                    running++;
                }
                if (j.path("status").asText().equals("failed")) {
                    first = j;
                }
                sawWaiting |= j.path("status").asText().equals("queued")
                        && j.path("progress").path("message").asText().startsWith("waiting:");
            }
            assertTrue(running <= 1, "running_jobs quota of 1 with 2 idle-capable workers, saw " + running);
            Thread.sleep(200);
        }
        assertTrue(sawWaiting, "a job held back by the quota says so in its progress");
        assertNotNull(first, "a job reached its time limit");
        assertEquals("time_limit", first.path("error").path("code").asText(), first.toString());
        assertEquals(1, first.path("attempt").asInt(), "a time limit is not retried");
        for (String id : accepted) {
            t.postJson("/v1/jobs/" + id + "/cancel", "");
        }
        for (String id : accepted) {
            waitTerminal(t, id, 60);
        }
        assertEquals(202, t.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons",
                "params", Map.of("steps", 5))).status(), "room again once jobs finish");
    }

    @Test
    void storedBytesAreBounded() {
        Http t = tenant("small", Map.of("stored_bytes", 1000));
        byte[] csv = ("x,y\n" + "1.5,2.5\n".repeat(70)).getBytes(StandardCharsets.US_ASCII); // 564 bytes
        Http.Res first = t.postBytes("/v1/datasets?name=a&format=csv", csv);
        assertEquals(201, first.status(), first.toString());
        Http.Res second = t.postBytes("/v1/datasets?name=b&format=csv", csv);
        assertProblem(second, 413, "/body");
        assertTrue(second.json().path("detail").asText().contains("stored_bytes"), second.toString());
        assertEquals(564, t.get("/v1/quotas").json().path("usage").path("stored_bytes").asInt());
        assertEquals(204, t.delete("/v1/datasets/" + first.json().path("id").asText()).status());
        assertEquals(201, t.postBytes("/v1/datasets?name=b&format=csv", csv).status(), "room again after a delete");
    }

    @Test
    void requestsPastTheRateAre429WithRateLimitHeaders() {
        Http t = tenant("chatty", Map.of("requests_per_minute", 30));
        int ok = 0;
        Http.Res limited = null;
        for (int i = 0; i < 40 && limited == null; i++) {
            Http.Res r = t.get("/v1/jobs");
            if (r.status() == 200) {
                ok++;
                assertEquals("30", r.header("RateLimit-Limit"));
                assertNotNull(r.header("RateLimit"), "draft-08 header too");
            } else {
                limited = r;
            }
        }
        assertNotNull(limited, "a burst past 30 a minute is refused");
        assertTrue(ok >= 29 && ok <= 31, "about a minute's worth passed: " + ok);
        assertProblem(limited, 429, null);
        assertNotNull(limited.header("Retry-After"));
        assertEquals("0", limited.header("RateLimit-Remaining"));
        assertTrue(limited.json().path("detail").asText().contains("requests_per_minute"), limited.toString());
        assertEquals(200, admin.get("/v1/jobs").status(), "admin keys are not limited, other keys unaffected");
    }
}
