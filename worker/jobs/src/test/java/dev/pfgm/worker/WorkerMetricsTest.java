package dev.pfgm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.job.JobType;
import dev.pfgm.shared.store.Json;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
    @Test
    void attemptsAreCountedByTypeAndOutcomeWithTheirFigures() {
        WorkerMetrics m = new WorkerMetrics("w1");
        m.attemptEnded(JobType.GENERATE, WorkerMetrics.Outcome.SUCCEEDED, 2_000_000_000L,
                Json.object().put("count", 1000).put("seconds", 4.0).put("nfe", 35.0));
        m.attemptEnded(JobType.GENERATE, WorkerMetrics.Outcome.SUCCEEDED, 1_000_000_000L,
                Json.object().put("count", 500).put("seconds", 1.0).put("nfe", 41.0));
        m.attemptEnded(JobType.TRAIN, WorkerMetrics.Outcome.RETRIED, 500_000_000L, null);
        // a result that took no measurable time gives no rate (not an infinite one)
        m.attemptEnded(JobType.LIKELIHOOD, WorkerMetrics.Outcome.SUCCEEDED, 1_000L, Json.object().put("count", 3)
                .put("seconds", 0.0));
        String text = m.scrape();
        assertEquals(2, value(text, "pfgm_worker_attempt_duration_seconds_count{outcome=\"succeeded\",type=\"generate\",worker=\"w1\"}"));
        assertEquals(3.0, value(text, "pfgm_worker_attempt_duration_seconds_sum{outcome=\"succeeded\",type=\"generate\",worker=\"w1\"}"), 1e-9);
        assertEquals(1, value(text, "pfgm_worker_attempt_duration_seconds_count{outcome=\"retried\",type=\"train\",worker=\"w1\"}"));
        assertEquals(76.0, value(text, "pfgm_worker_nfe_sum{type=\"generate\",worker=\"w1\"}"), 1e-9);
        // 1,000 rows in 4 s and 500 in 1 s
        assertEquals(750.0, value(text, "pfgm_worker_rows_per_second_sum{type=\"generate\",worker=\"w1\"}"), 1e-9);
        assertEquals(1, value(text, "pfgm_worker_attempt_duration_seconds_count{outcome=\"succeeded\",type=\"likelihood\",worker=\"w1\"}"));
        assertTrue(!text.contains("pfgm_worker_rows_per_second_count{type=\"likelihood\""), text);
        for (String jvm : new String[] {"jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads", "system_cpu_count"}) {
            assertTrue(text.contains(jvm), "the JVM's metrics too: " + jvm);
        }
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
