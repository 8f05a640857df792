package dev.pfgm.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.store.Stats;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The series the gateway serves at /metrics, by the names dashboards and the service tests read. */
class MetricsTest {
    @Test
    void requestsJobsAndTheRelayAreRenderedUnderTheirNames() {
        Metrics m = new Metrics();
        m.record("POST", "/v1/jobs", 202, 0.004);
        m.record("POST", "/v1/jobs", 202, 0.030);
        m.record("GET", "/v1/jobs/:id", 404, 0.0005);
        m.relayed(3);
        String text = m.render(new Stats.Snapshot(Map.of("queued", 2L, "succeeded", 5L), 7, 1.5));
        String post = "method=\"POST\",route=\"/v1/jobs\",status=\"202\"";
        assertEquals(2, value(text, "pfgm_http_requests_total{" + post + "}"));
        assertEquals(2, value(text, "pfgm_http_request_duration_seconds_count{" + post + "}"));
        assertEquals(0.034, value(text, "pfgm_http_request_duration_seconds_sum{" + post + "}"), 1e-9);
        assertEquals(1, value(text, "pfgm_http_request_duration_seconds_bucket{" + post + ",le=\"0.005\"}"));
        assertEquals(2, value(text, "pfgm_http_request_duration_seconds_bucket{" + post + ",le=\"0.05\"}"));
        assertEquals(5, value(text, "pfgm_jobs{status=\"succeeded\"}"));
        assertEquals(0, value(text, "pfgm_jobs{status=\"failed\"}"), "every status is listed");
        assertEquals(7, value(text, "pfgm_outbox_unsent"));
        assertEquals(1.5, value(text, "pfgm_queue_oldest_seconds"));
        assertEquals(3, value(text, "pfgm_outbox_published_total"));
        assertTrue(value(text, "jvm_memory_max_bytes{area=\"heap\"}") > 1 << 20, "the heap's size in bytes");
    }

    /** The process's own figures are served beside the service's: memory, resident size, threads, classes, CPUs, GC. */
    @Test
    void theJvmAndTheProcessAreMeasured() {
        String text = new Metrics().render(null);
        for (String series : new String[] {"jvm_memory_used_bytes{area=\"heap\"}",
            "jvm_memory_committed_bytes{area=\"heap\"}", "process_resident_memory_bytes", "jvm_threads_live_threads",
            "jvm_classes_loaded_classes", "system_cpu_count"}) {
            assertTrue(value(text, series) > 0, series);
        }
        assertTrue(text.contains("\njvm_gc_"), "the collector's meters");
    }

    /** Made-up methods share one "other" series, in ours and in what Vert.x registers: each made new series. */
    @Test
    void methodsOutsideHttpsAreCountedAsOther() {
        Metrics m = new Metrics();
        for (int i = 0; i < 100; i++) {
            m.record("ZZ" + i, "unmatched", 405, 0.001);
            io.micrometer.core.instrument.Counter.builder("vertx.like").tag("method", "ZZ" + i).register(m.registry())
                    .increment();
        }
        String text = m.render(null);
        assertEquals(100, value(text, "pfgm_http_requests_total{method=\"other\",route=\"unmatched\",status=\"405\"}"));
        assertEquals(100, value(text, "vertx_like_total{method=\"other\"}"));
        assertTrue(!text.contains("ZZ"), "no series names a made-up method");
    }

    @Test
    void withoutTheDatabaseTheJobFiguresAreNotANumber() {
        String text = new Metrics().render(null);
        assertTrue(Double.isNaN(value(text, "pfgm_outbox_unsent")));
    }

    static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
