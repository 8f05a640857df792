package dev.pfgm.gateway.http;

import dev.pfgm.shared.ProcessMemory;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.store.Stats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's metrics (Micrometer, rendered in Prometheus' text format at /metrics): requests
 * and their latency per route, connections and uploads, the job table's state at the scrape, the
 * outbox relay's count, the JVM's, and Vert.x's own (the registry is also Vert.x's, see
 * {@link #registry()}). The names are the ones the gateway has always served.
 */
public final class Metrics {
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong relayed = new AtomicLong();
    /** The job table as read for the scrape in progress (null when the database did not answer). */
    private final AtomicReference<Stats.Snapshot> stats = new AtomicReference<>();

    /** The methods a metric names; any other is "other" (see the filter below). */
    private static final java.util.Set<String> METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE",
            "PATCH", "OPTIONS", "TRACE", "CONNECT");

    public Metrics() {
        // a request may carry any token as its method: each made new series of ours and of Vert.x's (29
        // per name, unbounded, without a key), so names outside HTTP's are counted as "other"
        registry.config().meterFilter(MeterFilter.replaceTagValues("method", Metrics::method));
        FunctionCounter.builder("pfgm.outbox.published", relayed, AtomicLong::get)
                .description("Job messages this gateway published").register(registry);
        for (JobStatus s : JobStatus.values()) {
            statsGauge("pfgm.jobs", "Jobs by status", snap -> snap.jobsByStatus().getOrDefault(s.wireName(), 0L))
                    .tag("status", s.wireName()).register(registry);
        }
        statsGauge("pfgm.outbox.unsent", "Job messages not yet published to Kafka", Stats.Snapshot::outboxUnsent)
                .register(registry);
        statsGauge("pfgm.queue.oldest.seconds", "Age of the oldest queued job (queue lag)",
                Stats.Snapshot::oldestQueuedSeconds).register(registry);
        // heap figures under the names (and the one area tag) the gateway has served, which dashboards
        // built for Prometheus' JVM exporters read; Micrometer's per-pool memory meters would clash
        heap("jvm.memory.used", "Memory in use, by area", MemoryUsage::getUsed);
        heap("jvm.memory.committed", "Memory committed, by area", MemoryUsage::getCommitted);
        heap("jvm.memory.max", "The most memory the area may take, by area", MemoryUsage::getMax);
        Gauge.builder("process.resident.memory", () -> ProcessMemory.residentBytes(ProcessHandle.current().pid()))
                .description("Resident set size").baseUnit("bytes").register(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    private Gauge.Builder<AtomicReference<Stats.Snapshot>> statsGauge(String name, String help,
                                                                     ToDoubleFunction<Stats.Snapshot> value) {
        return Gauge.builder(name, stats, ref -> ref.get() == null ? Double.NaN : value.applyAsDouble(ref.get()))
                .description(help);
    }

    private void heap(String name, String help, ToDoubleFunction<MemoryUsage> value) {
        Gauge.builder(name, () -> value.applyAsDouble(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage()))
                .description(help).baseUnit("bytes").tag("area", "heap").register(registry);
    }

    /** The registry, for Vert.x's own metrics (HTTP server, pools). */
    public MeterRegistry registry() {
        return registry;
    }

    private record Key(String method, String route, int status) {
    }

    private record Meters(Counter requests, Timer duration) {
    }

    /** Each series' meters, found once: a request then costs a map lookup, not a registration. */
    private final Map<Key, Meters> meters = new ConcurrentHashMap<>();

    static String method(String method) {
        return METHODS.contains(method) ? method : "other";
    }

    public void record(String method, String route, int status, double seconds) {
        Meters m = meters.computeIfAbsent(new Key(method(method), route, status), k -> {
            String code = Integer.toString(k.status());
            return new Meters(Counter.builder("pfgm.http.requests")
                    .description("HTTP requests by method, route and status")
                    .tags("method", k.method(), "route", k.route(), "status", code).register(registry),
                    Timer.builder("pfgm.http.request.duration").description("Time to the last byte of the response")
                            .tags("method", k.method(), "route", k.route(), "status", code)
                            .serviceLevelObjectives(BUCKETS).register(registry));
        });
        m.requests().increment();
        m.duration().record(Math.round(seconds * 1e9), TimeUnit.NANOSECONDS);
    }

    public void relayed(int n) {
        relayed.addAndGet(n);
    }

    /** Adds the connection and upload gauges. */
    public void watch(ConnectionGuard guard, IntSupplier uploadsInFlight) {
        Gauge.builder("pfgm.http.connections.open", guard, ConnectionGuard::open)
                .description("Connections open now").register(registry);
        FunctionCounter.builder("pfgm.http.connections.closed", guard, ConnectionGuard::refused)
                .description("Connections closed by the gateway, by reason").tag("reason", "cap").register(registry);
        FunctionCounter.builder("pfgm.http.connections.closed", guard, ConnectionGuard::timedOut)
                .description("Connections closed by the gateway, by reason").tag("reason", "header_timeout")
                .register(registry);
        // strongly: the supplier is a method reference nothing else holds, and a gauge's weak one read NaN after a GC
        Gauge.builder("pfgm.uploads.in.flight", uploadsInFlight, IntSupplier::getAsInt).strongReference(true)
                .description("Uploads being received or checked").register(registry);
    }

    /** The Prometheus text, with the job table as {@code snapshot} shows it (null: the database did not answer). */
    public String render(Stats.Snapshot snapshot) {
        stats.set(snapshot);
        return registry.scrape();
    }
}
