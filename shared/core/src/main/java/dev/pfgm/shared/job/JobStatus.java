package dev.pfgm.shared.job;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The job state machine. queued -> running -> succeeded | failed | cancelled; a running job can be
 * asked to stop (cancelling) or, when its lease expires with attempts left, go back to queued.
 * The store makes each transition one guarded UPDATE whose WHERE clause names the allowed sources.
 */
public enum JobStatus {
    QUEUED, RUNNING, CANCELLING, SUCCEEDED, FAILED, CANCELLED;

    private static final Map<JobStatus, Set<JobStatus>> NEXT = Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED, FAILED),
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLING, QUEUED),
            CANCELLING, EnumSet.of(CANCELLED, SUCCEEDED, FAILED, QUEUED),
            SUCCEEDED, EnumSet.noneOf(JobStatus.class),
            FAILED, EnumSet.noneOf(JobStatus.class),
            CANCELLED, EnumSet.noneOf(JobStatus.class));

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean terminal() {
        return NEXT.get(this).isEmpty();
    }

    public boolean canBecome(JobStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** The states a job may be in for a transition to {@code next}, for the guard of an UPDATE. */
    public static Set<JobStatus> sourcesOf(JobStatus next) {
        Set<JobStatus> s = EnumSet.noneOf(JobStatus.class);
        for (JobStatus from : values()) {
            if (from.canBecome(next)) {
                s.add(from);
            }
        }
        return s;
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
