package dev.pfgm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pfgm.shared.job.JobStatus;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When a held lease tells the work to stop, and why: the renewal finding the lease gone or the job
 * cancelling, the status watch seeing a cancel, the wall-clock limit, the worker stopping; a failed
 * renewal or read is not a stop.
 */
class LeaseTest {
    /** Renewal period: a third of a 0 s lease is below the floor, so 200 ms. */
    private static final int SHORT = 0;
    /** A lease long enough that its renewal never runs in a test. */
    private static final int LONG = 3600;

    @Test
    void aRenewalThatFindsTheLeaseGoneStopsTheWork() throws Exception {
        try (Lease lease = new Lease("t", () -> null, () -> JobStatus.RUNNING, SHORT)) {
            assertSame(Lease.Reason.LEASE_LOST, stopWithin(lease, 5_000));
        }
    }

    @Test
    void aRenewalThatFindsTheJobCancellingStopsTheWork() throws Exception {
        try (Lease lease = new Lease("t", () -> JobStatus.CANCELLING, () -> JobStatus.RUNNING, SHORT)) {
            assertSame(Lease.Reason.CANCELLED, stopWithin(lease, 5_000));
        }
    }

    @Test
    void theWatchSeesACancelBetweenRenewals() throws Exception {
        AtomicInteger renewals = new AtomicInteger();
        try (Lease lease = new Lease("t", () -> {
            renewals.incrementAndGet();
            return JobStatus.RUNNING;
        }, () -> JobStatus.CANCELLING, LONG)) {
            long t0 = System.nanoTime();
            assertSame(Lease.Reason.CANCELLED, stopWithin(lease, 5_000));
            // the watch looks every 250 ms (OutageTest holds the whole path to 1.5 s); a loaded machine may be late
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 3, "seen after " + seconds + " s");
            assertEquals(0, renewals.get(), "seen by the watch: the renewal never ran");
        }
    }

    @Test
    void aLeaseIsRenewedEveryThirdOfItsLength() throws Exception {
        AtomicInteger renewals = new AtomicInteger();
        long t0 = System.nanoTime();
        try (Lease lease = new Lease("t", () -> {
            renewals.incrementAndGet();
            return JobStatus.RUNNING;
        }, () -> JobStatus.RUNNING, 3)) {
            long end = t0 + 10_000_000_000L;
            while (renewals.get() < 2 && System.nanoTime() < end) {
                lease.check();
                Thread.sleep(10);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // the second renewal of a 3 s lease comes at 2 s (a loaded machine may add to it, never take)
        assertEquals(2, renewals.get(), "renewals within 10 s");
        assertTrue(seconds >= 1.95 && seconds < 5, "second renewal after " + seconds + " s");
    }

    @Test
    void failedRenewalsAndReadsAreNotAStop() throws Exception {
        AtomicInteger renewals = new AtomicInteger();
        AtomicInteger looks = new AtomicInteger();
        try (Lease lease = new Lease("t", () -> {
            renewals.incrementAndGet();
            throw new IllegalStateException("database away");
        }, () -> {
            looks.incrementAndGet();
            throw new IllegalStateException("database away");
        }, SHORT)) {
            long end = System.nanoTime() + 5_000_000_000L;
            while ((renewals.get() < 3 || looks.get() < 3) && System.nanoTime() < end) {
                lease.check();
                Thread.sleep(20);
            }
            assertTrue(renewals.get() >= 3 && looks.get() >= 3, renewals + " renewals, " + looks + " looks");
            lease.check();
        }
    }

    @Test
    void aJobPastItsDeadlineStopsWithTheTimeLimit() throws Exception {
        try (Lease lease = new Lease("t", () -> JobStatus.RUNNING, () -> JobStatus.RUNNING, LONG)
                .until(Instant.now().minusSeconds(1))) {
            assertSame(Lease.Reason.TIME_LIMIT, stopWithin(lease, 5_000));
        }
        try (Lease lease = new Lease("t", () -> JobStatus.RUNNING, () -> JobStatus.RUNNING, LONG)
                .until(Instant.now().plusSeconds(3600))) {
            Thread.sleep(600); // two looks of the watch: an absence takes a window of time to see
            lease.check();
        }
    }

    @Test
    void aStoppingWorkerStopsTheWorkAtOnceAndACloseEndsTheRenewals() throws Exception {
        AtomicInteger renewals = new AtomicInteger();
        Lease lease = new Lease("t", () -> {
            renewals.incrementAndGet();
            return JobStatus.RUNNING;
        }, () -> JobStatus.RUNNING, SHORT);
        lease.check();
        lease.stopSoon();
        assertSame(Lease.Reason.WORKER_STOPPING, assertThrows(Lease.Stop.class, lease::check).reason);
        long end = System.nanoTime() + 5_000_000_000L;
        while (renewals.get() == 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        lease.close();
        Thread.sleep(50);
        int atClose = renewals.get();
        Thread.sleep(700); // three renewal periods: none may come
        assertEquals(atClose, renewals.get(), "no renewal after close");
    }

    /** Calls {@code check()} until it throws, and returns why. */
    private static Lease.Reason stopWithin(Lease lease, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            try {
                lease.check();
            } catch (Lease.Stop s) {
                return s.reason;
            }
            Thread.sleep(10);
        }
        return fail("no stop within " + millis + " ms");
    }
}
