package dev.pfgm.shared.job;

import static dev.pfgm.shared.job.JobStatus.CANCELLED;
import static dev.pfgm.shared.job.JobStatus.CANCELLING;
import static dev.pfgm.shared.job.JobStatus.FAILED;
import static dev.pfgm.shared.job.JobStatus.QUEUED;
import static dev.pfgm.shared.job.JobStatus.RUNNING;
import static dev.pfgm.shared.job.JobStatus.SUCCEEDED;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every status change a job can make, declared once. The store writes each as one UPDATE whose
 * SET and WHERE come from here ({@link #set()}, {@link #guard()}), so the SQL cannot allow what
 * this list does not ({@link #of} answers whether a change is one of them), and
 * docs/architecture.md draws it (a test compares the drawing with this list).
 */
public enum JobTransition {
    /** A worker takes a queued job: its lease starts and the attempt counts. */
    CLAIM(QUEUED, RUNNING),
    /** Cancelled before any worker took it. */
    CANCEL_QUEUED(QUEUED, CANCELLED),
    /** Cancel asked of a running job; its worker (or the reaper) ends it. */
    ASK_TO_STOP(RUNNING, CANCELLING),
    SUCCEED(RUNNING, SUCCEEDED),
    /** A retryable failure with attempts left, or an expired lease: back to the queue after a backoff. */
    RETRY(RUNNING, QUEUED),
    /** A permanent failure, or the last attempt's. */
    FAIL(RUNNING, FAILED),
    /** A cancelling job's worker stopped (or failed, or its lease expired): cancelled. */
    STOPPED(CANCELLING, CANCELLED);

    private final JobStatus from;
    private final JobStatus to;

    JobTransition(JobStatus from, JobStatus to) {
        this.from = from;
        this.to = to;
    }

    public JobStatus from() {
        return from;
    }

    public JobStatus to() {
        return to;
    }

    /** The SET clause's part for the status: {@code status = 'running'}. */
    public String set() {
        return statusIs(to);
    }

    /** The WHERE clause's part that allows this change only from its source: {@code status = 'queued'}. */
    public String guard() {
        return statusIs(from);
    }

    /** The transition from {@code from} to {@code to}, or null when the machine has none. */
    public static JobTransition of(JobStatus from, JobStatus to) {
        for (JobTransition t : values()) {
            if (t.from == from && t.to == to) {
                return t;
            }
        }
        return null;
    }

    /** {@code status = 'running'}: a condition on the status that changes nothing. */
    public static String statusIs(JobStatus status) {
        return "status = '" + status.wireName() + "'";
    }

    /** {@code status IN ('running', 'cancelling')} for a set of statuses. */
    public static String statusIn(Set<JobStatus> statuses) {
        StringBuilder sb = new StringBuilder("status IN (");
        String sep = "";
        for (JobStatus s : EnumSet.copyOf(statuses)) {
            sb.append(sep).append('\'').append(s.wireName()).append('\'');
            sep = ", ";
        }
        return sb.append(')').toString();
    }
}
