package dev.pfgm.worker;

import dev.pfgm.shared.store.JobStore;

/** A task a worker runs as one attempt of a job or shard, with what every such attempt needs from its worker. */
abstract class AttemptTask implements Task {
    /** What a worker hands each attempt it runs. */
    record Context(JobStore jobs, JobRunner runner, String owner, int leaseSeconds, int backoffSeconds,
            WorkerMetrics metrics) {
    }

    final Context context;
    final JobStore jobs;
    final JobRunner runner;
    final String owner;
    final int leaseSeconds;
    final int backoffSeconds;
    final WorkerMetrics metrics;

    AttemptTask(Context c) {
        this.context = c;
        this.jobs = c.jobs();
        this.runner = c.runner();
        this.owner = c.owner();
        this.leaseSeconds = c.leaseSeconds();
        this.backoffSeconds = c.backoffSeconds();
        this.metrics = c.metrics();
    }
}
