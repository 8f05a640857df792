package dev.pfgm.stack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.shared.ProcessMemory;
import dev.pfgm.stack.ChildJvm;
import dev.pfgm.stack.Stack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mixed load held for a while against a stack whose gateway runs in a JVM of its own, so that
 * its heap and resident memory are its own: N closed-loop clients (one tenant each) reading jobs,
 * lists, events and quotas and uploading small CSV datasets, while one more client offers train,
 * generate and likelihood jobs at a fixed rate that the workers run. Every window it records
 * throughput, latency, errors, the gateway's heap (least and most seen: the least is close to the
 * live set) and RSS, and the queue.
 */
public final class SoakBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    // values are Prometheus numbers: 123.0, 2.68435456E8, NaN
    private static final Pattern HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"} (\\S+)");
    private static final Pattern HEAP_MAX = Pattern.compile("(?m)^jvm_memory_max_bytes\\{area=\"heap\"} (\\S+)");
    private static final Pattern JOBS = Pattern.compile("(?m)^pfgm_jobs\\{status=\"(\\w+)\"} (\\S+)");

    /** What to run. */
    public record Options(int clients, int seconds, int windowSeconds, int workers, double jobsPerSecond,
            String gatewayHeap, int hostileClients) {
    }

    /** One window of the run. */
    public record Window(double endSeconds, long requests, long errors, double p50Ms, double p99Ms, long uploads, long shed,
            long heapMinMb, long heapMaxMb, long rssMb, long queuedMax, long running, long succeeded, long failed,
            Map<String, Double> routeMeanMs) {
    }

    /** The whole run. */
    public record Result(Options options, long requests, long errors, double perSecond, double p50Ms, double p99Ms,
            long uploads, long shed, long jobsOffered, long hostileUploads, long heapMaxMb, long liveHeapBeforeMb, long liveHeapAfterMb,
            Map<Integer, Long> errorsByStatus, List<Window> windows) {
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private String base;

    /** Latencies of the window being filled; the sampler swaps in a fresh one at each boundary. */
    private static final class Acc {
        final List<Double> okMs = new ArrayList<>();
        final java.util.TreeMap<Integer, Long> errorsByStatus = new java.util.TreeMap<>();
        long errors;
        long uploads;
        long shed;

        synchronized void shed() {
            shed++;
        }

        /** {@code status} 2xx is success; 0 stands for no answer (a connection error). */
        synchronized void add(double ms, int status, boolean upload) {
            boolean ok = status / 100 == 2;
            if (ok) {
                okMs.add(ms);
            } else {
                errors++;
                errorsByStatus.merge(status, 1L, Long::sum);
            }
            if (upload && ok) {
                uploads++;
            }
        }
    }

    public Result run(Path dir, Options o, Consumer<String> log) throws Exception {
        List<Process> children = new ArrayList<>();
        try (Stack stack = Stack.startServers(new Stack.Options(dir, 0, 0, ServiceBench.LIFTED_QUOTAS))) {
            Path gatewayLog = dir.resolve("gateway.log");
            Process gateway = ChildJvm.gateway(stack.envFile(), 0, List.of("-Xmx" + o.gatewayHeap()), Map.of(),
                    gatewayLog);
            children.add(gateway);
            base = ChildJvm.awaitListening(gateway, gatewayLog, 120);
            String admin = Files.readString(dir.resolve("api-key")).strip();
            for (int w = 1; w <= o.workers(); w++) {
                children.add(ChildJvm.worker(stack.envFile(), List.of(), Map.of("PFGM_WORKER_ID", "soak-" + w),
                        dir.resolve("worker-" + w + ".log")));
            }
            log.accept("gateway (its own JVM, -Xmx" + o.gatewayHeap() + ") at " + base + ", " + o.workers() + " worker(s)");

            String[] keys = new String[o.clients()];
            String[] ownJob = new String[o.clients()];
            for (int c = 0; c < o.clients(); c++) {
                keys[c] = send("POST", "/v1/admin/keys", admin, "{\"tenant\":\"soak-" + c + "\"}", 201).path("key")
                        .asText();
                ownJob[c] = send("POST", "/v1/jobs", keys[c], tinyTrain(), 202).path("id").asText();
            }
            // the job client's model, for generate and likelihood jobs
            String jobsKey = send("POST", "/v1/admin/keys", admin, "{\"tenant\":\"soak-jobs\"}", 201).path("key").asText();
            String first = send("POST", "/v1/jobs", jobsKey, "{\"type\":\"train\",\"dataset\":\"builtin:ring8\","
                    + "\"params\":{\"steps\":200}}", 202).path("id").asText();
            JsonNode trained = waitTerminal(jobsKey, first, 600);
            String model = trained.path("model").asText();
            // likelihood over a small table of its own (the builtin sets' 20,000 rows would hold the worker a minute)
            HttpResponse<String> up = client.send(HttpRequest.newBuilder(URI.create(base
                    + "/v1/datasets?name=soak-likelihood&format=csv")).header("Authorization", "Bearer " + jobsKey)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(csv(new SplittableRandom(-1)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (up.statusCode() != 201) {
                throw new IllegalStateException("the soak's dataset upload answered " + up.statusCode() + ": " + up.body());
            }
            String dataset = JSON.readTree(up.body()).path("id").asText();
            if (!trained.path("status").asText().equals("succeeded") || model.isEmpty()) {
                throw new IllegalStateException("the soak's model did not train: " + trained);
            }
            log.accept("tenants and model ready; " + o.clients() + " clients for " + o.seconds() + " s, jobs offered at "
                    + o.jobsPerSecond() + "/s");

            AtomicReference<Acc> window = new AtomicReference<>(new Acc());
            Acc[] total = {new Acc()};
            AtomicBoolean stop = new AtomicBoolean(false);
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < o.clients(); c++) {
                final int me = c;
                threads.add(start("soak-client-" + c, () -> clientLoop(me, keys[me], ownJob[me], window, total[0],
                        stop)));
            }
            AtomicLong offered = new AtomicLong();
            threads.add(start("soak-jobs", () -> jobLoop(jobsKey, model, dataset, o.jobsPerSecond(), offered, stop)));
            AtomicLong hostile = new AtomicLong();
            if (o.hostileClients() > 0) {
                String attacker = send("POST", "/v1/admin/keys", admin, "{\"tenant\":\"soak-attacker\"}", 201).path("key")
                        .asText();
                for (int h = 0; h < o.hostileClients(); h++) {
                    threads.add(start("soak-hostile-" + h, () -> hostileLoop(attacker, hostile, stop)));
                }
            }

            long liveBefore = liveHeapMb(gateway);
            List<Window> windows = new CopyOnWriteArrayList<>();
            Map<String, double[]> routesBefore = routeTotals(metrics());
            long t0 = System.nanoTime();
            long heapMax = 0;
            for (int w = 1; w * (long) o.windowSeconds() <= o.seconds(); w++) {
                long heapMin = Long.MAX_VALUE;
                long heapHigh = 0;
                long queuedMax = 0;
                String metrics = "";
                long windowEnd = t0 + w * (long) o.windowSeconds() * 1_000_000_000L;
                while (System.nanoTime() < windowEnd) {
                    Thread.sleep(Math.max(1, Math.min(1000, (windowEnd - System.nanoTime()) / 1_000_000)));
                    metrics = metrics();
                    long heap = first(HEAP, metrics);
                    if (heap >= 0) {
                        heapMin = Math.min(heapMin, heap);
                        heapHigh = Math.max(heapHigh, heap);
                    }
                    queuedMax = Math.max(queuedMax, jobs(metrics, "queued"));
                    if (heapMax == 0) {
                        heapMax = first(HEAP_MAX, metrics) >> 20;
                    }
                }
                Acc a = window.getAndSet(new Acc());
                Map<String, double[]> routesNow = routeTotals(metrics);
                Map<String, Double> routeMeans = new java.util.TreeMap<>();
                for (var e : routesNow.entrySet()) {
                    double[] was = routesBefore.getOrDefault(e.getKey(), new double[2]);
                    double n = e.getValue()[1] - was[1];
                    if (n > 0) {
                        routeMeans.put(e.getKey(), 1000 * (e.getValue()[0] - was[0]) / n);
                    }
                }
                routesBefore = routesNow;
                Window done;
                synchronized (a) {
                    double[] ms = a.okMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                    done = new Window((System.nanoTime() - t0) / 1e9, ms.length + a.errors, a.errors,
                            ServiceBench.pct(ms, 0.5), ServiceBench.pct(ms, 0.99), a.uploads, a.shed,
                            heapMin == Long.MAX_VALUE ? -1 : heapMin >> 20, heapHigh >> 20, rssMb(gateway), queuedMax,
                            jobs(metrics, "running"), jobs(metrics, "succeeded"), jobs(metrics, "failed"), routeMeans);
                }
                windows.add(done);
                log.accept(String.format(java.util.Locale.ROOT,
                        "%5.0f s: %6.0f req/s, p50 %.1f ms, p99 %.1f ms, %d errors, %d uploads shed, heap %d-%d MB, RSS %d MB, queued <= %d,"
                                + " succeeded %d",
                        done.endSeconds(), done.requests() / (double) o.windowSeconds(), done.p50Ms(), done.p99Ms(),
                        done.errors(), done.shed(), done.heapMinMb(), done.heapMaxMb(), done.rssMb(), done.queuedMax(), done.succeeded()));
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            long liveAfter = liveHeapMb(gateway);
            log.accept("gateway live heap after a full collection: " + liveBefore + " MB before the load, " + liveAfter
                    + " MB after it");
            Acc all = total[0];
            synchronized (all) {
                double[] ms = all.okMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                long requests = ms.length + all.errors;
                return new Result(o, requests, all.errors, requests / elapsed, ServiceBench.pct(ms, 0.5),
                        ServiceBench.pct(ms, 0.99), all.uploads, all.shed, offered.get(), hostile.get(), heapMax, liveBefore, liveAfter, Map.copyOf(all.errorsByStatus),
                        List.copyOf(windows));
            }
        } finally {
            for (Process p : children) {
                p.destroy();
            }
            for (Process p : children) {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** One tenant's closed loop: mostly reads, now and then an upload of a small CSV. */
    private void clientLoop(int me, String key, String ownJob, AtomicReference<Acc> window, Acc total,
            AtomicBoolean stop) {
        SplittableRandom rnd = new SplittableRandom(me);
        byte[] csv = csv(rnd);
        while (!stop.get()) {
            int r = rnd.nextInt(100);
            boolean upload = r >= 97;
            long t0 = System.nanoTime();
            int status;
            try {
                HttpRequest.Builder b;
                if (r < 50) {
                    b = get("/v1/jobs/" + ownJob);
                } else if (r < 65) {
                    b = get("/v1/jobs?limit=20");
                } else if (r < 80) {
                    b = get("/v1/jobs/" + ownJob + "/events");
                } else if (r < 90) {
                    b = get("/v1/quotas");
                } else if (r < 97) {
                    b = get("/v1/datasets?limit=20");
                } else {
                    b = HttpRequest.newBuilder(URI.create(base + "/v1/datasets?name=soak&format=csv"))
                            .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofByteArray(csv));
                }
                HttpResponse<Void> res = client.send(b.header("Authorization", "Bearer " + key).build(),
                        HttpResponse.BodyHandlers.discarding());
                status = res.statusCode();
                if (upload && status == 503) {
                    // every upload slot is taken: the gateway sheds the upload, and a client that
                    // honours Retry-After comes back later; shed load is counted apart from errors
                    window.get().shed();
                    total.shed();
                    long wait = res.headers().firstValueAsLong("Retry-After").orElse(1);
                    Thread.sleep(1000 * Math.min(Math.max(wait, 1), 30));
                    continue;
                }
            } catch (IOException e) {
                status = 0;
            } catch (InterruptedException e) {
                return;
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            window.get().add(ms, status, upload);
            total.add(ms, status, upload);
        }
    }

    /**
     * Uploads, in a loop, the .npy whose header repeats {@code 'shape': (} 24,000 times (240 KB):
     * the probe that once froze every tenant's requests for minutes. Answers (422, or 503 when the
     * upload slots are taken) are the attacker's and are not counted with the other clients'.
     */
    private void hostileLoop(String key, AtomicLong answered, AtomicBoolean stop) {
        byte[] dict = ("{" + "'shape': (".repeat(24_000) + "}").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + dict.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(dict.length).put(dict);
        byte[] body = b.array();
        while (!stop.get()) {
            try {
                client.send(HttpRequest.newBuilder(URI.create(base + "/v1/datasets?name=probe&format=npy"))
                        .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(), HttpResponse.BodyHandlers.discarding());
                answered.incrementAndGet();
            } catch (IOException e) {
                // the attacker's problem
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Offers jobs at a fixed rate (open loop): train, generate and likelihood in turn. */
    private void jobLoop(String key, String model, String dataset, double perSecond, AtomicLong offered, AtomicBoolean stop) {
        long gap = (long) (1e9 / perSecond);
        long next = System.nanoTime();
        String[] bodies = {tinyTrain(),
                "{\"type\":\"generate\",\"model\":\"" + model + "\",\"params\":{\"count\":2000,\"solver\":\"heun\",\"steps\":18}}",
                "{\"type\":\"likelihood\",\"model\":\"" + model + "\",\"dataset\":\"" + dataset + "\"}"};
        while (!stop.get()) {
            try {
                send("POST", "/v1/jobs", key, bodies[(int) (offered.getAndIncrement() % bodies.length)], 202);
            } catch (IOException | RuntimeException e) {
                // counted by the job totals of the metrics; the offered rate stays
            } catch (InterruptedException e) {
                return;
            }
            next += gap;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    private static String tinyTrain() {
        return "{\"type\":\"train\",\"dataset\":\"builtin:ring8\",\"params\":{\"steps\":20,\"batch\":64,\"large_batch\":256}}";
    }

    private static byte[] csv(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder("x,y\n");
        for (int i = 0; i < 300; i++) {
            sb.append(String.format(java.util.Locale.ROOT, "%.5f,%.5f%n", rnd.nextDouble(-1, 1), rnd.nextDouble(-1, 1)));
        }
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).GET();
    }

    private JsonNode send(String method, String path, String key, String body, int expected)
            throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private JsonNode waitTerminal(String key, String id, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode j = JSON.readTree(client.send(get("/v1/jobs/" + id).header("Authorization", "Bearer " + key).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (j.path("terminal").asBoolean()) {
                return j;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("job " + id + " did not finish in " + seconds + " s");
    }

    private String metrics() {
        try {
            return client.send(get("/metrics").build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static long first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    private static long jobs(String metrics, String status) {
        Matcher m = JOBS.matcher(metrics);
        while (m.find()) {
            if (m.group(1).equals(status)) {
                double n = Double.parseDouble(m.group(2));
                return Double.isNaN(n) ? 0 : (long) n;
            }
        }
        return 0;
    }

    /** The gateway process's resident set (-1 off Linux). */
    private static long rssMb(Process p) {
        long bytes = ProcessMemory.residentBytes(p.pid());
        return bytes < 0 ? -1 : bytes >> 20;
    }

    private static final Pattern ROUTE = Pattern.compile(
            "(?m)^pfgm_http_request_duration_seconds_(sum|count)\\{method=\"(\\w+)\",route=\"([^\"]+)\",status=\"\\d+\"} (\\S+)");

    /** Per route, seconds spent and requests answered so far (all statuses): [sum, count]. */
    private static Map<String, double[]> routeTotals(String metrics) {
        Map<String, double[]> m = new java.util.HashMap<>();
        Matcher x = ROUTE.matcher(metrics);
        while (x.find()) {
            double[] t = m.computeIfAbsent(x.group(2) + " " + x.group(3), k -> new double[2]);
            t[x.group(1).equals("sum") ? 0 : 1] += Double.parseDouble(x.group(4));
        }
        return m;
    }

    /**
     * The gateway's heap right after a full collection (jcmd GC.run, from this JDK): its live data,
     * which a leak grows; -1 when this runtime has no jcmd.
     */
    private long liveHeapMb(Process gateway) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(gateway.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            return -1;
        }
        return first(HEAP, metrics()) >> 20;
    }

    private static Thread start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.start();
        return t;
    }
}
