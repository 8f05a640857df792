package dev.pfgm.gateway.http;

import dev.pfgm.shared.store.Stats;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/** Request counts and latency histograms per route, rendered in Prometheus' text format. */
public final class Metrics {
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private record Key(String method, String route, int status) {
    }

    private static final class Series {
        final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length);
        final AtomicLong count = new AtomicLong();
        final DoubleAdder sum = new DoubleAdder();
    }

    private final Map<Key, Series> series = new ConcurrentHashMap<>();
    private final AtomicLong relayed = new AtomicLong();

    public void record(String method, String route, int status, double seconds) {
        Series s = series.computeIfAbsent(new Key(method, route, status), k -> new Series());
        s.count.incrementAndGet();
        s.sum.add(seconds);
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                s.buckets.incrementAndGet(i);
                break;
            }
        }
    }

    public void relayed(int n) {
        relayed.addAndGet(n);
    }

    private volatile ConnectionGuard connections;
    private volatile java.util.function.IntSupplier uploads;

    /** Adds the connection and upload gauges. */
    public void watch(ConnectionGuard guard, java.util.function.IntSupplier uploadsInFlight) {
        this.connections = guard;
        this.uploads = uploadsInFlight;
    }

    public String render(Stats.Snapshot stats) {
        StringBuilder sb = new StringBuilder();
        ConnectionGuard g = connections;
        if (g != null) {
            sb.append("# HELP pfgm_http_connections_open Connections open now.\n# TYPE pfgm_http_connections_open gauge\n");
            sb.append("pfgm_http_connections_open ").append(g.open()).append('\n');
            sb.append("# HELP pfgm_http_connections_closed_total Connections closed by the gateway, by reason.\n");
            sb.append("# TYPE pfgm_http_connections_closed_total counter\n");
            sb.append("pfgm_http_connections_closed_total{reason=\"cap\"} ").append(g.refused()).append('\n');
            sb.append("pfgm_http_connections_closed_total{reason=\"header_timeout\"} ").append(g.timedOut())
                    .append('\n');
            sb.append("# HELP pfgm_uploads_in_flight Uploads being received or checked.\n");
            sb.append("# TYPE pfgm_uploads_in_flight gauge\npfgm_uploads_in_flight ").append(uploads.getAsInt())
                    .append('\n');
        }
        sb.append("# HELP pfgm_http_requests_total HTTP requests by method, route and status.\n");
        sb.append("# TYPE pfgm_http_requests_total counter\n");
        series.forEach((k, s) -> sb.append(String.format(Locale.ROOT, "pfgm_http_requests_total{%s} %d%n",
                labels(k), s.count.get())));
        sb.append("# HELP pfgm_http_request_duration_seconds Time to the last byte of the response.\n");
        sb.append("# TYPE pfgm_http_request_duration_seconds histogram\n");
        series.forEach((k, s) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += s.buckets.get(i);
                sb.append(String.format(Locale.ROOT, "pfgm_http_request_duration_seconds_bucket{%s,le=\"%s\"} %d%n",
                        labels(k), BUCKETS[i], cumulative));
            }
            sb.append(String.format(Locale.ROOT, "pfgm_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d%n",
                    labels(k), s.count.get()));
            sb.append(String.format(Locale.ROOT, "pfgm_http_request_duration_seconds_sum{%s} %.6f%n", labels(k),
                    s.sum.sum()));
            sb.append(String.format(Locale.ROOT, "pfgm_http_request_duration_seconds_count{%s} %d%n", labels(k),
                    s.count.get()));
        });
        if (stats != null) {
            sb.append("# HELP pfgm_jobs Jobs by status.\n# TYPE pfgm_jobs gauge\n");
            stats.jobsByStatus().forEach((status, n) -> sb.append(String.format(Locale.ROOT,
                    "pfgm_jobs{status=\"%s\"} %d%n", status, n)));
            sb.append("# HELP pfgm_outbox_unsent Job messages not yet published to Kafka.\n");
            sb.append("# TYPE pfgm_outbox_unsent gauge\n");
            sb.append(String.format(Locale.ROOT, "pfgm_outbox_unsent %d%n", stats.outboxUnsent()));
            sb.append("# HELP pfgm_queue_oldest_seconds Age of the oldest queued job (queue lag).\n");
            sb.append("# TYPE pfgm_queue_oldest_seconds gauge\n");
            sb.append(String.format(Locale.ROOT, "pfgm_queue_oldest_seconds %.3f%n", stats.oldestQueuedSeconds()));
        }
        sb.append("# HELP pfgm_outbox_published_total Job messages this gateway published.\n");
        sb.append("# TYPE pfgm_outbox_published_total counter\n");
        sb.append(String.format(Locale.ROOT, "pfgm_outbox_published_total %d%n", relayed.get()));
        memory(sb);
        return sb.toString();
    }

    /**
     * This process's memory, under the names Prometheus' JVM exporters use, so that dashboards
     * built for those read it (in ./pfgm up the process also holds Kafka and the S3 store).
     */
    private static void memory(StringBuilder sb) {
        java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean()
                .getHeapMemoryUsage();
        sb.append("# HELP jvm_memory_used_bytes Memory in use, by area.\n# TYPE jvm_memory_used_bytes gauge\n");
        sb.append("jvm_memory_used_bytes{area=\"heap\"} ").append(heap.getUsed()).append('\n');
        sb.append("# HELP jvm_memory_committed_bytes Memory committed, by area.\n");
        sb.append("# TYPE jvm_memory_committed_bytes gauge\n");
        sb.append("jvm_memory_committed_bytes{area=\"heap\"} ").append(heap.getCommitted()).append('\n');
        sb.append("# HELP jvm_memory_max_bytes The most memory the area may take, by area.\n");
        sb.append("# TYPE jvm_memory_max_bytes gauge\n");
        sb.append("jvm_memory_max_bytes{area=\"heap\"} ").append(heap.getMax()).append('\n');
        long rss = dev.pfgm.shared.ProcessMemory.residentBytes(ProcessHandle.current().pid());
        if (rss >= 0) {
            sb.append("# HELP process_resident_memory_bytes Resident set size.\n");
            sb.append("# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes ").append(rss)
                    .append('\n');
        }
    }

    private static String labels(Key k) {
        return String.format(Locale.ROOT, "method=\"%s\",route=\"%s\",status=\"%d\"", k.method(), k.route(), k.status());
    }
}
