package dev.pfgm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pfgm.shared.job.JobStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A shard's rows done: written a second into the work and then at most once a second, never past the shard. */
class ShardProgressTest {
    private static final long SECOND = 1_000_000_000L;
    private final List<Integer> written = new ArrayList<>();
    private final Lease lease = new Lease("test", () -> JobStatus.RUNNING, () -> JobStatus.RUNNING, 3600);
    private long now = 7 * SECOND;
    private final ShardProgress progress = new ShardProgress(1000, written::add, lease, () -> now);

    @AfterEach
    void closeLease() {
        lease.close();
    }

    @Test
    void rowsDoneAreWrittenAtMostOnceASecond() {
        progress.fraction(0.1);
        assertEquals(List.of(), written, "the claim recorded the start");
        now += SECOND;
        progress.fraction(0.25);
        assertEquals(List.of(250), written);
        now += SECOND / 2;
        progress.fraction(0.5);
        assertEquals(List.of(250), written, "half a second later");
        now += SECOND * 3 / 5;
        progress.fraction(0.6666);
        assertEquals(List.of(250, 667), written, "rounded to a row");
        now += 2 * SECOND;
        progress.fraction(1.2);
        assertEquals(List.of(250, 667, 1000), written, "never past the shard's rows");
    }

    @Test
    void aStopEndsTheShardBeforeAnyWrite() {
        lease.stopSoon();
        now += 5 * SECOND;
        assertSame(Lease.Reason.WORKER_STOPPING, assertThrows(Lease.Stop.class, () -> progress.fraction(0.5)).reason);
        assertEquals(List.of(), written);
    }
}
