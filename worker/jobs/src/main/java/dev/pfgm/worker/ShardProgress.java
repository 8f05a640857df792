package dev.pfgm.worker;

import dev.pfgm.shared.job.Throttle;
import dev.pfgm.shared.store.ShardStore;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * A running shard's progress: rows done written at most once a second (each write refreshes the
 * job's progress over all its shards), and the point where a stop (the job cancelled, the lease
 * lost, the worker stopping) ends the shard between solver steps.
 */
final class ShardProgress {
    private final int rows;
    private final IntConsumer writeRowsDone;
    private final Lease lease;
    /** Closed at first: the shard's claim recorded its start, so the first write comes a second into the work. */
    private final Throttle writes;

    ShardProgress(ShardStore shards, ShardStore.ShardRecord shard, String owner, Lease lease) {
        this(shard.rows(), done -> shards.progress(shard.jobId(), shard.index(), owner, shard.attempt(), done), lease,
                System::nanoTime);
    }

    /** With the write and the clock apart, so tests move time instead of waiting. */
    ShardProgress(int rows, IntConsumer writeRowsDone, Lease lease, LongSupplier nanos) {
        this.rows = rows;
        this.writeRowsDone = writeRowsDone;
        this.lease = lease;
        this.writes = new Throttle(nanos, Throttle.SECOND, false);
    }

    /** {@code f} of the shard's rows are drawn. Called from the sampling threads. */
    void fraction(double f) {
        lease.check();
        if (writes.pass()) {
            writeRowsDone.accept((int) Math.min(rows, Math.round(f * rows)));
        }
    }
}
