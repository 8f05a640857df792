package dev.pfgm.worker;

import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.ShardStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claimed attempt of a shard: draws it under the shard's lease and records the end: committed,
 * back to the queue or failed (which fails the job), or cancelled when the job stopped. The worker
 * that commits a job's last shard then finalises the job (its manifest) as a job attempt of its own.
 */
final class ShardTask extends AttemptTask {
    private static final Logger LOG = LoggerFactory.getLogger(ShardTask.class);

    private final ShardStore.ShardRecord shard;
    private final ShardStore shards;
    private final SynthesisRunner synthesis;

    ShardTask(ShardStore.ShardRecord shard, ShardStore shards, SynthesisRunner synthesis, Context context) {
        super(context);
        this.shard = shard;
        this.shards = shards;
        this.synthesis = synthesis;
    }

    @Override
    public String describe() {
        return "shard " + shard.index() + " of synthesize job " + shard.jobId() + " (attempt " + shard.attempt() + ")";
    }

    @Override
    public boolean bounded() {
        return true;
    }

    @Override
    public void run(LeaseHolder holder) {
        ShardStore.Commit commit = null;
        long start = System.nanoTime();
        WorkerMetrics.Outcome outcome = WorkerMetrics.Outcome.LOST;
        try (Lease lease = Lease.ofShard(shards, jobs, shard.jobId(), shard.index(), owner, shard.attempt(), leaseSeconds)) {
            holder.hold(lease);
            try {
                commit = synthesis.runShard(jobs.find(shard.jobId()), shard, lease);
                outcome = commit != null ? WorkerMetrics.Outcome.SUCCEEDED : WorkerMetrics.Outcome.LOST;
            } catch (Lease.Stop s) {
                outcome = s.reason == Lease.Reason.CANCELLED ? WorkerMetrics.Outcome.CANCELLED
                        : s.reason == Lease.Reason.WORKER_STOPPING ? WorkerMetrics.Outcome.RETRIED : WorkerMetrics.Outcome.LOST;
                switch (s.reason) {
                    case CANCELLED -> shards.stopped(shard.jobId(), shard.index(), owner, shard.attempt());
                    case WORKER_STOPPING -> shards.handBack(shard.jobId(), shard.index(), owner, shard.attempt(),
                            JobTask.stopped(owner));
                    case LEASE_LOST, TIME_LIMIT -> LOG.warn("worker {}: {} lost its lease; stopped", owner, describe());
                }
            } catch (Throwable t) {
                Failure f = Failure.of(t);
                outcome = WorkerMetrics.Outcome.of(f);
                if (f.code().equals("internal")) {
                    LOG.error("worker {}: {} failed", owner, describe(), t);
                }
                JobTask.RECORD.run("recording the end of " + describe(), () -> shards.fail(shard.jobId(), shard.index(),
                        owner, shard.attempt(), f.json(), f.retryable(), f.retryable() ? backoffSeconds : 0));
            }
        } catch (RuntimeException e) {
            LOG.error("worker {}: could not record the end of {}: {}", owner, describe(), e.getMessage());
            return;
        } finally {
            metrics.attemptEnded("synthesize_shard", outcome, System.nanoTime() - start, null);
        }
        if (commit != null && commit.last()) {
            // the commit gave this worker the job's lease: the manifest is written as a job attempt
            JobRecord job = jobs.find(shard.jobId());
            if (job != null && owner.equals(job.leaseOwner()) && JobRecord.FINALIZE.equals(job.phase())) {
                new JobTask(job, null, context).run(holder);
            }
        }
    }
}
