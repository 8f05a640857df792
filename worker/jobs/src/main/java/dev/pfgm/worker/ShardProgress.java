package dev.pfgm.worker;

import dev.pfgm.shared.store.ShardStore;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * A running shard's progress: rows done written at most once a second (each write refreshes the
 * job's progress over all its shards), and the point where a stop (the job cancelled, the lease
 * lost, the worker stopping) ends the shard between solver steps.
 */
final class ShardProgress {
    private static final long MIN_INTERVAL_NANOS = 1_000_000_000L;
    private final int rows;
    private final IntConsumer writeRowsDone;
    private final Lease lease;
    private final LongSupplier nanos;
    /** The shard's claim recorded its start: the first write comes a second into the work. */
    private long lastWrite;

    ShardProgress(ShardStore shards, ShardStore.ShardRecord shard, String owner, Lease lease) {
        this(shard.rows(), done -> shards.progress(shard.jobId(), shard.index(), owner, shard.attempt(), done), lease,
                System::nanoTime);
    }

    /** With the write and the clock apart, so tests move time instead of waiting. */
    ShardProgress(int rows, IntConsumer writeRowsDone, Lease lease, LongSupplier nanos) {
        this.rows = rows;
        this.writeRowsDone = writeRowsDone;
        this.lease = lease;
        this.nanos = nanos;
        this.lastWrite = nanos.getAsLong();
    }

    /** {@code f} of the shard's rows are drawn. Called from the sampling threads. */
    void fraction(double f) {
        lease.check();
        long now = nanos.getAsLong();
        synchronized (this) {
            if (now - lastWrite < MIN_INTERVAL_NANOS) {
                return;
            }
            lastWrite = now;
        }
        writeRowsDone.accept((int) Math.min(rows, Math.round(f * rows)));
    }
}
