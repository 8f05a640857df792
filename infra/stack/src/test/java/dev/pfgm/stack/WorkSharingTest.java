package dev.pfgm.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.shared.config.Settings;
import dev.pfgm.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker busy with a long job hands its partitions to the others, so jobs queued behind it in
 * the same partition run on an idle worker instead of waiting for the long one to end.
 */
@Tag("slow")
class WorkSharingTest {
    private static final byte[] TABLE = "0,1\n1,0\n2,1\n1,2\n0.5,0.5\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void jobsQueuedBehindALongOneRunOnAnIdleWorker(@TempDir Path tmp) throws Exception {
        // one partition per topic: a single worker owns every topic, the other has nothing to read
        try (Stack stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 1, Map.of(
                Settings.TOPIC_PARTITIONS.name(), "1",
                Settings.HANDOFF_SECONDS.name(), "1",
                Settings.KAFKA_SESSION_MS.name(), "6000")))) {
            stack.addWorker();
            Http api = new Http(stack.url(), stack.adminKey());
            String ds = api.postBytes("/v1/datasets?name=table&format=csv", TABLE).json().path("id").asText();

            String longJob = ServiceTest.submit(api, Map.of("type", "train", "dataset", ds,
                    "params", Map.of("steps", 5_000_000)));
            ServiceTest.waitFor(api, longJob, j -> j.path("status").asText().equals("running"), 60);
            String longWorker = worker(api, longJob);

            // the same topic and partition as the long job: it can only run if the partition moves
            String shortJob = ServiceTest.submit(api, Map.of("type", "train", "dataset", ds,
                    "params", Map.of("steps", 20)));
            JsonNode done = ServiceTest.waitTerminal(api, shortJob, 90);
            assertEquals("succeeded", done.path("status").asText(), done.toString());
            assertNotEquals(longWorker, worker(api, shortJob), "the idle worker ran it");
            assertEquals("running", api.get("/v1/jobs/" + longJob).json().path("status").asText(),
                    "the long job was still running");

            // when its long job ends the busy worker rejoins: alone now, it takes the next job
            Http.Res cancel = api.postJson("/v1/jobs/" + longJob + "/cancel", "");
            assertEquals(200, cancel.status(), cancel.toString());
            assertEquals("cancelled", ServiceTest.waitTerminal(api, longJob, 60).path("status").asText());
            // the other worker leaves: the partition went to either worker when the second joined
            // (closing `second` closed the long job's own worker whenever the rebalance gave it the job)
            Worker idle = stack.workers().stream().filter(w -> !w.id().equals(longWorker)).findFirst().orElseThrow();
            assertTrue(stack.stopWorker(idle.id()));
            String after = ServiceTest.submit(api, Map.of("type", "train", "dataset", ds, "params", Map.of("steps", 20)));
            JsonNode afterDone = ServiceTest.waitTerminal(api, after, 90);
            assertEquals("succeeded", afterDone.path("status").asText(), afterDone.toString());
            assertEquals(longWorker, worker(api, after));
        }
    }

    /** The worker named by the job's latest `running` event. */
    private static String worker(Http api, String job) {
        String w = null;
        for (JsonNode e : api.get("/v1/jobs/" + job + "/events?after=0&limit=1000").json().path("data")) {
            if (e.path("data").path("status").asText().equals("running")) {
                w = e.path("data").path("worker").asText();
            }
        }
        if (w == null) {
            throw new AssertionError("job " + job + " has no running event");
        }
        return w;
    }
}
