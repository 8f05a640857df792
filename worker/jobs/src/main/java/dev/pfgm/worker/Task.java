package dev.pfgm.worker;

/** Claimed work a worker runs on its job thread: a job, or a shard of a synthesize job. */
interface Task {
    /** For logs: "train job 42 (attempt 1)". */
    String describe();

    /**
     * Work of bounded length (a shard, sized to take well under a minute): the worker keeps its
     * partitions while it runs. Unbounded work (a job) hands them to idle workers after a while.
     */
    boolean bounded();

    /** Runs the work and records how it ended; throws nothing it could record. */
    void run(LeaseHolder holder);

    /** Where a task puts its lease, so that a stopping worker can ask it to end at its next step. */
    interface LeaseHolder {
        void hold(Lease lease);
    }
}
