package dev.pfgm.shared.job;

/**
 * Time left for a piece of work, from its rate since the first observation. Work that starts
 * part done (a training resumed from a checkpoint) is thus not credited with the part done before,
 * and set-up time before the first step does not slow the estimate.
 */
public final class Eta {
    /** Below this much progress since the first observation the rate is too uncertain to show. */
    private static final double MIN_PROGRESS = 0.001;

    private double firstFraction = Double.NaN;
    private long firstAt;

    /** Seconds left at {@code fraction} done, observed at {@code nanos}; 0 when done, NaN when not yet known. */
    public synchronized double secondsLeft(double fraction, long nanos) {
        if (Double.isNaN(firstFraction)) {
            firstFraction = fraction;
            firstAt = nanos;
        }
        if (fraction >= 1) {
            return 0;
        }
        double done = fraction - firstFraction;
        return done > MIN_PROGRESS ? (nanos - firstAt) / 1e9 * (1 - fraction) / done : Double.NaN;
    }
}
