package dev.pfgm.worker;

import dev.pfgm.shared.store.ShardStore;

/**
 * A running shard's progress: rows done written at most once a second (each write refreshes the
 * job's progress over all its shards), and the point where a stop (the job cancelled, the lease
 * lost, the worker stopping) ends the shard between solver steps.
 */
final class ShardProgress {
    private static final long MIN_INTERVAL_NANOS = 1_000_000_000L;
    private final ShardStore shards;
    private final ShardStore.ShardRecord shard;
    private final String owner;
    private final Lease lease;
    private long lastWrite = System.nanoTime();

    ShardProgress(ShardStore shards, ShardStore.ShardRecord shard, String owner, Lease lease) {
        this.shards = shards;
        this.shard = shard;
        this.owner = owner;
        this.lease = lease;
    }

    /** {@code f} of the shard's rows are drawn. Called from the sampling threads. */
    void fraction(double f) {
        lease.check();
        long now = System.nanoTime();
        synchronized (this) {
            if (now - lastWrite < MIN_INTERVAL_NANOS) {
                return;
            }
            lastWrite = now;
        }
        shards.progress(shard.jobId(), shard.index(), owner, shard.attempt(), (int) Math.min(shard.rows(),
                Math.round(f * shard.rows())));
    }
}
