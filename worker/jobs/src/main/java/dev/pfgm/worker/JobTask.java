package dev.pfgm.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.nn.ComputeDevice;
import dev.pfgm.shared.store.DependencyWait;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claimed attempt of a job: runs it under its lease and records the end: succeeded with its
 * result, back to the queue or failed (by the error's kind and the attempts left), or cancelled. A
 * synthesize job's planning ends with its shards queued and no result yet.
 */
final class JobTask extends AttemptTask {
    private static final Logger LOG = LoggerFactory.getLogger(JobTask.class);

    /** The end of an attempt is worth waiting a while for: its result would otherwise be computed again. */
    static final DependencyWait RECORD = new DependencyWait(60);
    private final JobRecord job;
    private final java.time.Instant deadline;

    /** {@code deadline}: when the tenant's job_seconds quota ends this job (null: no limit). */
    JobTask(JobRecord job, java.time.Instant deadline, Context context) {
        super(context);
        this.deadline = deadline;
        this.job = job;
    }

    @Override
    public String describe() {
        return job.type().wireName() + " job " + job.id() + " (attempt " + job.attempt() + ")";
    }

    @Override
    public boolean bounded() {
        return false;
    }

    @Override
    public void run(LeaseHolder holder) {
        long start = System.nanoTime();
        WorkerMetrics.Outcome outcome = WorkerMetrics.Outcome.LOST;
        JsonNode result = null;
        try (Lease lease = Lease.ofJob(jobs, job.id(), owner, job.attempt(), leaseSeconds).until(deadline)) {
            holder.hold(lease);
            ProgressReporter progress = new ProgressReporter(JobEvents.of(jobs, job.id(), owner, job.attempt()), owner,
                    job.attempt(), lease);
            try {
                JobRunner.Outcome o = runner.run(job, progress);
                if (o.result() != null) {
                    // provenance: what the numbers were computed on (results can differ by platform)
                    o.result().putObject("compute").put("backend", ComputeDevice.backend()).put("device",
                            ComputeDevice.device()).put("worker", owner);
                }
                outcome = o.result() == null ? WorkerMetrics.Outcome.PLANNED : WorkerMetrics.Outcome.SUCCEEDED;
                result = o.result();
                if (o.result() != null && !RECORD.call("recording the end of " + describe(), () -> jobs.succeed(job.id(),
                        owner, job.attempt(), o.result(), o.finalProgress(), o.model()))) {
                    result = null;
                    // a cancel asked for before the end wins over the result: the API said "cancelling"
                    if (jobs.cancelled(job.id(), owner, job.attempt())) {
                        outcome = WorkerMetrics.Outcome.CANCELLED;
                        LOG.info("worker {}: {} was cancelled as it finished; result discarded", owner, describe());
                    } else {
                        outcome = WorkerMetrics.Outcome.LOST;
                        LOG.warn("worker {}: {} finished after losing its lease; result discarded", owner, describe());
                    }
                } else if (o.result() != null) {
                    LOG.info("worker {}: {} succeeded in {} s", owner, describe(),
                            String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
                }
            } catch (Lease.Stop s) {
                outcome = switch (s.reason) {
                    case CANCELLED -> WorkerMetrics.Outcome.CANCELLED;
                    case WORKER_STOPPING -> lastAttempt() ? WorkerMetrics.Outcome.FAILED : WorkerMetrics.Outcome.RETRIED;
                    case TIME_LIMIT -> WorkerMetrics.Outcome.FAILED;
                    case LEASE_LOST -> WorkerMetrics.Outcome.LOST;
                };
                ended(jobs, job, owner, s.reason);
            } catch (Throwable t) {
                Failure f = Failure.of(t);
                // a retryable failure of the last attempt fails the job: counted as what it did
                outcome = lastAttempt() ? WorkerMetrics.Outcome.FAILED : WorkerMetrics.Outcome.of(f);
                if (f.code().equals("internal")) {
                    LOG.error("worker {}: {} failed", owner, describe(), t);
                } else {
                    LOG.warn("worker {}: {} failed: {} {}", owner, describe(), f.code(), f.message());
                }
                // recorded through a database outage too, so the attempt is not left to its lease
                RECORD.run("recording the end of " + describe(), () -> jobs.fail(job.id(), owner, job.attempt(), f.json(),
                        f.retryable(), f.retryable() ? backoffSeconds : 0));
            }
        } catch (RuntimeException e) {
            LOG.error("worker {}: could not record the end of {}: {}", owner, describe(), e.getMessage());
        } finally {
            metrics.attemptEnded(job.type(), outcome, System.nanoTime() - start, result);
        }
    }

    private boolean lastAttempt() {
        return job.attempt() >= job.maxAttempts();
    }

    /** Records a job attempt stopped early. */
    static void ended(JobStore jobs, JobRecord job, String owner, Lease.Reason reason) {
        switch (reason) {
            case CANCELLED -> jobs.cancelled(job.id(), owner, job.attempt());
            case WORKER_STOPPING -> jobs.handBack(job.id(), owner, job.attempt(), stopped(owner));
            case TIME_LIMIT -> jobs.fail(job.id(), owner, job.attempt(), error("time_limit", "the job ran past its"
                    + " tenant's job_seconds quota (counted from its first start)", false), false, 0);
            case LEASE_LOST -> LOG.warn("worker {}: job {} attempt {} lost its lease; stopped", owner, job.id(),
                    job.attempt());
        }
    }

    /** Why a stopping worker handed an attempt back. */
    static ObjectNode stopped(String owner) {
        return error("worker_stopped", "worker " + owner + " shut down during the attempt", true);
    }

    static ObjectNode error(String code, String message, boolean retryable) {
        return Json.object().put("code", code).put("message", message).put("retryable", retryable);
    }
}
