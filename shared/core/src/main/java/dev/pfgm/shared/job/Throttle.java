package dev.pfgm.shared.job;

import java.util.function.LongSupplier;

/**
 * Lets an action through at most once an interval, on a clock: the worker's progress and metric
 * writes (watchers need them about once a second, the database need not see more) and the command
 * line's progress bar redraws.
 */
public final class Throttle {
    public static final long SECOND = 1_000_000_000L;
    private final LongSupplier nanos;
    private final long interval;
    private long last;

    /** {@code openNow}: the first call passes at once; otherwise only an interval from now. */
    public Throttle(LongSupplier nanos, long intervalNanos, boolean openNow) {
        this.nanos = nanos;
        this.interval = intervalNanos;
        this.last = nanos.getAsLong() - (openNow ? intervalNanos : 0);
    }

    /** True, and the interval starts again, when one has passed since the last pass (or restart). */
    public synchronized boolean pass() {
        long now = nanos.getAsLong();
        if (now - last < interval) {
            return false;
        }
        last = now;
        return true;
    }

    /** An action taken outside the rule (a phase or a preview written at once), or one that took time: the interval starts again now. */
    public synchronized void restart() {
        last = nanos.getAsLong();
    }
}
