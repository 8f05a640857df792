package dev.pfgm.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.shared.job.JobType;
import dev.pfgm.shared.store.Database;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * What a worker measures, for Prometheus (its health port's /metrics): each attempt's duration by
 * job type and outcome, the NFE and rows per second of finished work, the Kafka consumer's own
 * metrics (among them its lag), the database pool's, and the JVM's.
 */
public final class WorkerMetrics {
    /** How an attempt ended, as the outcome tag says it. */
    enum Outcome {
        SUCCEEDED, FAILED, RETRIED, CANCELLED, PLANNED, LOST;

        /** A failed attempt: retried when its error allows another attempt, else failed. */
        static Outcome of(Failure f) {
            return f.retryable() ? RETRIED : FAILED;
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    WorkerMetrics(String workerId) {
        registry.config().commonTags("worker", workerId);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    void watch(Consumer<?, ?> consumer, Database db) {
        new KafkaClientMetrics(consumer).bindTo(registry);
        db.recordMetricsIn(registry);
    }

    /** An attempt of a job (or a shard, as type "synthesize_shard") ended after {@code nanos}. */
    void attemptEnded(String type, Outcome outcome, long nanos, JsonNode result) {
        Timer.builder("pfgm.worker.attempt.duration").description("Time a job or shard attempt ran, by how it ended")
                .tags("type", type, "outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                .serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
                        Duration.ofMinutes(10), Duration.ofHours(1))
                .register(registry).record(Duration.ofNanos(nanos));
        if (result == null) {
            return;
        }
        double nfe = result.path("nfe").asDouble(Double.NaN);
        if (Double.isFinite(nfe)) {
            DistributionSummary.builder("pfgm.worker.nfe").description("Mean network evaluations per row of finished work")
                    .tag("type", type).register(registry).record(nfe);
        }
        double seconds = result.path("seconds").asDouble(Double.NaN);
        double rows = result.path("count").asDouble(result.path("rows").asDouble(Double.NaN));
        if (seconds > 0 && Double.isFinite(rows)) {
            DistributionSummary.builder("pfgm.worker.rows.per.second").description("Rows (samples, points) per second")
                    .tag("type", type).register(registry).record(rows / seconds);
        }
    }

    void attemptEnded(JobType type, Outcome outcome, long nanos, JsonNode result) {
        attemptEnded(type.wireName(), outcome, nanos, result);
    }

    /** The Prometheus text exposition of everything above. */
    public String scrape() {
        return registry.scrape();
    }
}
