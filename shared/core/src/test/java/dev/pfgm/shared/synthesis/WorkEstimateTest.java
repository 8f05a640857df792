package dev.pfgm.shared.synthesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.shared.job.JobType;
import org.junit.jupiter.api.Test;

/** The estimates of the jobs that use a model grow with the work each does, and every type has one. */
class WorkEstimateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelFacts IMAGES = ModelFacts.of(JSON.createObjectNode(), 784, "1x28x28", 0);

    private static double gflop(JobType type, String params, long rows) throws Exception {
        JsonNode p = JSON.readTree(params);
        return WorkEstimate.gflop(type, p, IMAGES, rows);
    }

    @Test
    void everyTypeCostsSomething() throws Exception {
        for (JobType t : JobType.values()) {
            double g = gflop(t, "{\"count\": 10, \"from\": 0, \"to\": 1}", 100);
            assertTrue(g > 0 && Double.isFinite(g), t + ": " + g);
        }
    }

    @Test
    void mapsScaleWithRowsAndEvaluations() throws Exception {
        assertEquals(2 * gflop(JobType.ENCODE, "{}", 100), gflop(JobType.ENCODE, "{}", 200), 1e-9);
        assertEquals(gflop(JobType.ENCODE, "{\"solver\": \"euler\", \"steps\": 10}", 100),
                gflop(JobType.DECODE, "{\"solver\": \"euler\", \"steps\": 10}", 100), 1e-9);
        // Heun's 2K - 1 evaluations against Euler's K
        assertEquals(19.0 / 10, gflop(JobType.DECODE, "{\"solver\": \"heun\", \"steps\": 10}", 100)
                / gflop(JobType.DECODE, "{\"solver\": \"euler\", \"steps\": 10}", 100), 1e-9);
        // an interpolation encodes two rows and decodes its frames, whatever the dataset's size
        assertEquals(gflop(JobType.ENCODE, "{}", 12), gflop(JobType.INTERPOLATE, "{\"frames\": 10}", 1_000_000), 1e-9);
    }

    @Test
    void classifierAndEvalScaleWithTheirWork() throws Exception {
        assertEquals(2 * gflop(JobType.CLASSIFIER, "{\"epochs\": 3}", 1000), gflop(JobType.CLASSIFIER, "{\"epochs\": 6}", 1000),
                1e-9);
        assertTrue(gflop(JobType.EVAL, "{\"count\": 2000}", 0) > gflop(JobType.EVAL, "{\"count\": 1000}", 0));
        assertTrue(gflop(JobType.EVAL, "{\"nll_count\": 400}", 0) > gflop(JobType.EVAL, "{\"nll_count\": 0}", 0));
    }
}
