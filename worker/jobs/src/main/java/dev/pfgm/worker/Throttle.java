package dev.pfgm.worker;

import java.util.function.LongSupplier;

/**
 * Lets a write through at most once an interval, on a clock: the worker's progress and metric
 * writes, which watchers need about once a second and the database need not see more often.
 */
final class Throttle {
    static final long SECOND = 1_000_000_000L;
    private final LongSupplier nanos;
    private final long interval;
    private long last;

    /** {@code openNow}: the first call passes at once; otherwise only an interval from now. */
    Throttle(LongSupplier nanos, long intervalNanos, boolean openNow) {
        this.nanos = nanos;
        this.interval = intervalNanos;
        this.last = nanos.getAsLong() - (openNow ? intervalNanos : 0);
    }

    /** True, and the interval starts again, when one has passed since the last pass (or restart). */
    synchronized boolean pass() {
        long now = nanos.getAsLong();
        if (now - last < interval) {
            return false;
        }
        last = now;
        return true;
    }

    /** A write made outside the rule (a phase, a preview, or one that took time): the interval starts again now. */
    synchronized void restart() {
        last = nanos.getAsLong();
    }
}
