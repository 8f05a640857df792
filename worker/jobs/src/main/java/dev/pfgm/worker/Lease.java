package dev.pfgm.worker;

import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.ShardStore;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a claimed job's or shard's lease: renews it every third of its length and learns from the
 * renewal whether the lease was lost (the reaper gave the work to another attempt). Cancels are
 * looked for apart, every {@value #WATCH_MILLIS} ms, by reading the job's status: one primary-key
 * read per running job, simpler than LISTEN/NOTIFY (no connection held per worker, works through
 * a pooler) and well within the second a cancel may take. The work checks {@link #check()} between steps.
 */
final class Lease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

    /** Thrown from a progress callback to stop the engine between steps. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final Reason reason;

        Stop(Reason reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }
    }

    /** Why a job stopped early. */
    enum Reason { CANCELLED, LEASE_LOST, WORKER_STOPPING, TIME_LIMIT
    }

    /** Renews the lease; returns the job's status, or null when the lease is no longer held. */
    @FunctionalInterface
    interface Renewal {
        JobStatus renew();
    }

    static final int WATCH_MILLIS = 250;
    private final String name;
    private final Renewal renewal;
    private final Renewal watch;
    private final ScheduledExecutorService timer;
    private volatile boolean cancelled;
    private volatile boolean lost;
    private volatile boolean stopping;
    private volatile boolean overTime;
    /** When the job's wall-clock quota runs out; null: no limit. */
    private volatile java.time.Instant deadline;

    static Lease ofJob(JobStore jobs, UUID id, String owner, int attempt, int seconds) {
        return new Lease("job " + id, () -> jobs.heartbeat(id, owner, attempt, seconds), () -> jobs.status(id), seconds);
    }

    static Lease ofShard(ShardStore shards, JobStore jobs, UUID job, int index, String owner, int attempt, int seconds) {
        return new Lease("shard " + index + " of job " + job, () -> shards.heartbeat(job, index, owner, attempt, seconds),
                () -> jobs.status(job), seconds);
    }

    /** Renews through {@code renewal} every third of {@code seconds} (at least 200 ms); {@code watch} reads the job's status. */
    Lease(String name, Renewal renewal, Renewal watch, int seconds) {
        this.name = name;
        this.renewal = renewal;
        this.watch = watch;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pfgm-lease-" + name);
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(200, seconds * 1000L / 3);
        // both end with the timer (shutdownNow), not through their futures
        var unusedRenew = timer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
        var unusedLook = timer.scheduleWithFixedDelay(this::look, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void look() {
        java.time.Instant d = deadline;
        if (d != null && java.time.Instant.now().isAfter(d)) {
            overTime = true;
        }
        try {
            JobStatus s = watch.renew();
            if (s != null && s != JobStatus.RUNNING) {
                cancelled = true;
            }
        } catch (RuntimeException e) {
            // the database is away: the renewal reports it, and the next look may succeed
        }
    }

    private void renew() {
        try {
            JobStatus s = renewal.renew();
            if (s == null) {
                lost = true;
            } else if (s != JobStatus.RUNNING) {
                // cancelling (or, for a shard, a job that failed or was cancelled meanwhile)
                cancelled = true;
            }
        } catch (RuntimeException e) {
            // a missed renewal is not fatal: the lease lasts three periods
            LOG.warn("{}: lease renewal failed: {}", name, e.getMessage());
        }
    }

    /** Throws {@link Stop} when the job should stop now. */
    void check() {
        if (lost) {
            throw new Stop(Reason.LEASE_LOST);
        }
        if (cancelled) {
            throw new Stop(Reason.CANCELLED);
        }
        if (stopping) {
            throw new Stop(Reason.WORKER_STOPPING);
        }
        if (overTime) {
            throw new Stop(Reason.TIME_LIMIT);
        }
    }

    /** The job fails with time_limit at its first step past {@code at}. */
    Lease until(java.time.Instant at) {
        this.deadline = at;
        return this;
    }

    /** The worker is shutting down: stop at the next check so the job can be handed back at once. */
    void stopSoon() {
        stopping = true;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
