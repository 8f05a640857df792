package dev.pfgm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a running job's progress and events say, and when they are written, on a clock the test moves. */
class ProgressReporterTest {
    private static final long SECOND = 1_000_000_000L;

    /** The writes, in order; throws {@code failure} instead when one is set. */
    private static final class Recorded implements JobEvents {
        final List<ObjectNode> progress = new ArrayList<>();
        final List<ObjectNode> events = new ArrayList<>();
        RuntimeException failure;

        @Override
        public void progress(ObjectNode snapshot) {
            if (failure != null) {
                throw failure;
            }
            progress.add(snapshot);
        }

        @Override
        public void log(String kind, ObjectNode data) {
            if (failure != null) {
                throw failure;
            }
            events.add(data.deepCopy().put("kind", kind));
        }

        ObjectNode lastProgress() {
            return progress.get(progress.size() - 1);
        }
    }

    private final Recorded written = new Recorded();
    private final Lease lease = new Lease("test", () -> JobStatus.RUNNING, () -> JobStatus.RUNNING, 3600);
    private long now = 50 * SECOND;
    private final ProgressReporter reporter = new ProgressReporter(written, "worker-1", 2, lease, () -> now);

    @AfterEach
    void closeLease() {
        lease.close();
    }

    @Test
    void writesAtMostOnceASecondAndAPreviewAtOnce() {
        reporter.update(1, 10, "step 1");
        assertEquals(1, written.progress.size(), "the first count is written");
        assertEquals(0.1, written.lastProgress().path("fraction").asDouble(), 1e-12);

        now += SECOND / 2;
        reporter.update(2, 10, "step 2");
        assertEquals(1, written.progress.size(), "half a second later: not written");

        reporter.preview("preview-2.png", 2, 10);
        assertEquals(2, written.progress.size(), "a preview is written at once");
        ObjectNode p = written.lastProgress();
        assertEquals("step 2", p.path("message").asText(), "with the latest message, written or not");
        assertEquals(2, p.path("completed").asInt());
        assertEquals("preview-2.png", p.path("preview").path("name").asText());
        assertEquals(2, p.path("preview").path("step").asInt());
        assertEquals(2, p.path("preview").path("attempt").asInt());

        now += SECOND * 9 / 10;
        reporter.update(3, 10, "step 3");
        assertEquals(2, written.progress.size(), "the preview's write counts: 0.9 s since it");

        now += SECOND / 5;
        reporter.update(4, 10, "step 4");
        assertEquals(3, written.progress.size(), "1.1 s since the last write");
        assertEquals("step 4", written.lastProgress().path("message").asText());
        assertEquals("preview-2.png", written.lastProgress().path("preview").path("name").asText(),
                "later progress still names the preview");
    }

    @Test
    void etaComesFromTheRateSinceTheFirstCount() {
        reporter.phase("loading the dataset");
        ObjectNode phase = written.lastProgress();
        assertEquals(0, phase.path("fraction").asDouble());
        assertTrue(phase.path("eta_seconds").isNull(), "no estimate before the work starts");
        assertEquals("loading the dataset", phase.path("message").asText());

        // a training resumed at 100 of 1000: the steps before its checkpoint are not credited
        now += 30 * SECOND;
        reporter.update(100, 1000, "resumed");
        assertTrue(written.lastProgress().path("eta_seconds").isNull(), "one observation gives no rate");

        now += 2 * SECOND;
        reporter.update(300, 1000, null);
        ObjectNode p = written.lastProgress();
        // 0.2 of the work in 2 s, 0.7 left
        assertEquals(7.0, p.path("eta_seconds").asDouble(), 1e-9);
        assertEquals("loading the dataset", p.path("message").asText(), "no message: the phase's");

        now += 2 * SECOND;
        reporter.update(1500, 1000, "past the end");
        assertEquals(1.0, written.lastProgress().path("fraction").asDouble(), "the fraction is at most 1");
        assertEquals(0, written.lastProgress().path("eta_seconds").asDouble());

        ObjectNode done = reporter.done(1000, "trained");
        assertEquals(1.0, done.path("fraction").asDouble());
        assertEquals(1000, done.path("completed").asInt());
        assertEquals("trained", done.path("message").asText());
    }

    @Test
    void aStoppedLeaseStopsTheWorkEvenWhenTheWriteIsSkipped() {
        reporter.update(1, 10, "step 1");
        lease.stopSoon();
        Lease.Stop stop = assertThrows(Lease.Stop.class, () -> reporter.update(2, 10, "step 2"));
        assertSame(Lease.Reason.WORKER_STOPPING, stop.reason);
        now += 2 * SECOND;
        assertThrows(Lease.Stop.class, () -> reporter.update(3, 10, "step 3"));
        assertEquals(1, written.progress.size(), "nothing written once stopped");
    }

    @Test
    void anOutageSkipsTheWriteAndOtherFailuresStopTheJob() {
        written.failure = new ObjectStore.ObjectStoreException("the store is away", null, true);
        reporter.update(1, 10, "step 1");
        reporter.log("still working");
        reporter.metric("loss", 0.5, 1);
        reporter.phase("sampling");

        written.failure = null;
        now += 2 * SECOND;
        reporter.update(2, 10, "step 2");
        assertEquals(1, written.progress.size(), "the next write catches up");
        assertEquals(0.2, written.lastProgress().path("fraction").asDouble(), 1e-12);

        written.failure = new ObjectStore.ObjectStoreException("a refused write", null, false);
        now += 2 * SECOND;
        assertThrows(ObjectStore.ObjectStoreException.class, () -> reporter.update(3, 10, "step 3"));
        written.failure = new IllegalStateException("a bug");
        assertThrows(IllegalStateException.class, () -> reporter.log("line"));
    }

    @Test
    void eventsNameTheAttemptAndTheWorker() {
        reporter.log("downloading the dataset");
        reporter.metric("loss", 0.25, 40);
        assertEquals(2, written.events.size());
        ObjectNode log = written.events.get(0);
        assertEquals("log", log.path("kind").asText());
        assertEquals("downloading the dataset", log.path("message").asText());
        assertEquals(2, log.path("attempt").asInt());
        assertEquals("worker-1", log.path("worker").asText());
        ObjectNode metric = written.events.get(1);
        assertEquals("metric", metric.path("kind").asText());
        assertEquals("loss", metric.path("name").asText());
        assertEquals(0.25, metric.path("value").asDouble());
        assertEquals(40, metric.path("at").asDouble());
    }

    @Test
    void lossIsSmoothedAndItsMetricWrittenFirstAtMostOnceASecondAndLast() {
        LossReporter loss = new LossReporter(reporter);
        loss.onStep(1, 4, 2.0);
        assertEquals(List.of(2.0), metrics(), "the first step's loss");
        assertEquals("step 1/4, loss 2.000", written.lastProgress().path("message").asText());

        now += SECOND / 10;
        loss.onStep(2, 4, 1.0);
        assertEquals(1, metrics().size(), "0.1 s later: no metric");

        now += SECOND;
        loss.onStep(3, 4, 1.0);
        // 0.98 * 2 + 0.02 * 1, then again with loss 1
        double third = 0.98 * (0.98 * 2 + 0.02) + 0.02;
        assertEquals(List.of(2.0, third), metrics(), "1.1 s since the last metric");
        assertEquals(String.format(java.util.Locale.ROOT, "step 3/4, loss %.4g", third),
                written.lastProgress().path("message").asText());

        now += SECOND / 10;
        loss.onStep(4, 4, 0.0);
        assertEquals(3, metrics().size(), "the last step's metric is always written");
        assertEquals(0.98 * third, metrics().get(2), 1e-12);
        assertEquals(4, written.events.get(2).path("at").asInt());
    }

    private List<Double> metrics() {
        return written.events.stream().filter(e -> e.path("kind").asText().equals("metric"))
                .map(e -> e.path("value").asDouble()).toList();
    }
}
