package dev.pfgm.stack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.shared.config.Settings;
import dev.pfgm.stack.Stack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Measures the job service on the one-command stack: submissions per second and POST latency
 * under a closed loop of N clients, submit-to-running with an idle worker, and job polls per second.
 */
public final class ServiceBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A bench's clients go far past what a tenant's default quotas allow: lifted, so that the
     * figures are the service's (the quota checks still run on every request).
     */
    static final Map<String, String> LIFTED_QUOTAS = Map.of(Settings.QUOTA_ACTIVE_JOBS.name(), "10000000",
            Settings.QUOTA_REQUESTS_PER_MINUTE.name(), "10000000");

    /** The figures. */
    public record Result(int clients, double submitSeconds, long submissions, double submitsPerSecond,
            double submitP50Ms, double submitP99Ms, long submitErrors, int startJobs, double startP50Ms,
            double startP99Ms, double pollsPerSecond, double pollP50Ms, double pollP99Ms, long pollErrors) {
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build(); // one connection per client, as load tools do
    private String base;
    private String key;

    public Result run(Path dir, int clients, int seconds, int startJobs, Consumer<String> log) throws Exception {
        try (Stack stack = Stack.start(new Stack.Options(dir, 0, 1, LIFTED_QUOTAS))) {
            base = stack.url();
            key = stack.adminKey();
            log.accept("stack up at " + base);

            // 1. submit-to-running with an idle worker: tiny jobs one after another
            double[] start = new double[startJobs];
            for (int i = 0; i < startJobs + 3; i++) {
                String id = post("{\"type\":\"train\",\"dataset\":\"builtin:ring8\",\"params\":{\"steps\":1,\"batch\":8,"
                        + "\"large_batch\":16}}").path("id").asText();
                JsonNode j;
                do {
                    Thread.sleep(5);
                    j = get("/v1/jobs/" + id);
                } while (!j.path("terminal").asBoolean());
                if (i >= 3) { // the first jobs warm the worker's code paths
                    start[i - 3] = Duration.between(OffsetDateTime.parse(j.path("created_at").asText()),
                            OffsetDateTime.parse(j.path("started_at").asText())).toNanos() / 1e6;
                }
            }
            Arrays.sort(start);
            log.accept(String.format(Locale.ROOT, "submit-to-running over %d jobs: p50 %.1f ms, p99 %.1f ms",
                    startJobs, pct(start, 0.5), pct(start, 0.99)));

            // 2. submissions: jobs queue up, so the worker stops first (it would compete for the cores)
            stack.stopWorkers();
            String body = "{\"type\":\"train\",\"dataset\":\"builtin:moons\",\"params\":{\"steps\":1}}";
            // one tenant per client, as a shared service sees load: a tenant's own quota checks are
            // serialised (exact under parallel submissions), so one tenant alone is its ceiling, not the service's
            String[] keys = new String[clients];
            for (int c = 0; c < clients; c++) {
                keys[c] = post("/v1/admin/keys", "{\"tenant\":\"bench-" + c + "\"}").path("key").asText();
            }
            Load submit = load(clients, seconds, c -> send(HttpRequest.newBuilder(URI.create(base + "/v1/jobs"))
                    .header("Authorization", "Bearer " + keys[c]).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), 202));
            log.accept(String.format(Locale.ROOT, "POST /v1/jobs, %d clients: %.0f/s, p50 %.2f ms, p99 %.2f ms, %d errors",
                    clients, submit.perSecond(), submit.p50(), submit.p99(), submit.errors));

            // 3. polls of one job
            String id = post(body).path("id").asText();
            Load poll = load(clients, seconds, c -> send(HttpRequest.newBuilder(URI.create(base + "/v1/jobs/" + id))
                    .header("Authorization", "Bearer " + key).GET().build(), 200));
            log.accept(String.format(Locale.ROOT, "GET /v1/jobs/{id}, %d clients: %.0f/s, p50 %.2f ms, p99 %.2f ms",
                    clients, poll.perSecond(), poll.p50(), poll.p99()));
            return new Result(clients, submit.seconds, submit.count, submit.perSecond(), submit.p50(), submit.p99(),
                    submit.errors, startJobs, pct(start, 0.5), pct(start, 0.99), poll.perSecond(), poll.p50(),
                    poll.p99(), poll.errors);
        }
    }

    private record Load(long count, long errors, double seconds, double[] latenciesMs) {
        double perSecond() {
            return count / seconds;
        }

        double p50() {
            return pct(latenciesMs, 0.5);
        }

        double p99() {
            return pct(latenciesMs, 0.99);
        }
    }

    @FunctionalInterface
    private interface Call {
        boolean run(int client) throws Exception;
    }

    /** A closed loop: each client sends its next request when the last one answered, after a warm-up (JIT). */
    private Load load(int clients, int seconds, Call call) throws InterruptedException {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong errors = new AtomicLong();
        List<List<Double>> samples = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<Double> mine = new ArrayList<>();
            samples.add(mine);
            final int client = c;
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    boolean ok;
                    try {
                        ok = call.run(client);
                    } catch (Exception e) {
                        ok = false;
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (measuring.get()) {
                        if (ok) {
                            mine.add(ms);
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                }
            }, "bench-client-" + c);
            threads.add(t);
            t.start();
        }
        Thread.sleep(10_000);
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        double[] all = samples.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(all);
        return new Load(all.length, errors.get(), elapsed, all);
    }

    private boolean send(HttpRequest r, int expected) throws IOException, InterruptedException {
        return client.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == expected;
    }

    private JsonNode post(String body) throws IOException, InterruptedException {
        return post("/v1/jobs", body);
    }

    /** POSTs as the admin; any 2xx is the answer. */
    private JsonNode post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    static double pct(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
}
