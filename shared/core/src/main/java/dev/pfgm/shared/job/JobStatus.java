package dev.pfgm.shared.job;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A job's status. The changes between them are {@link JobTransition}'s: queued -> running ->
 * succeeded | failed | cancelled; a running job can be asked to stop (cancelling) or, after a
 * retryable failure, go back to queued.
 */
public enum JobStatus {
    QUEUED, RUNNING, CANCELLING, SUCCEEDED, FAILED, CANCELLED;

    /** The statuses in which a worker holds the job (or, for a sharded synthesis, its shards run). */
    public static final Set<JobStatus> ACTIVE = EnumSet.of(RUNNING, CANCELLING);
    /** The statuses a job never leaves. */
    public static final Set<JobStatus> TERMINAL = EnumSet.of(SUCCEEDED, FAILED, CANCELLED);
    /** The statuses of a job that has not ended: it still counts against its tenant's quota. */
    public static final Set<JobStatus> UNFINISHED = EnumSet.complementOf(EnumSet.copyOf(TERMINAL));

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean terminal() {
        for (JobTransition t : JobTransition.values()) {
            if (t.from() == this) {
                return false;
            }
        }
        return true;
    }

    public static JobStatus parse(String s) {
        for (JobStatus v : values()) {
            if (v.wireName().equals(s)) {
                return v;
            }
        }
        return null;
    }
}
