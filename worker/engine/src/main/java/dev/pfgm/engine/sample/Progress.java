package dev.pfgm.engine.sample;

/** Told how much of a long computation is done, as a fraction in [0, 1]; may throw to stop it. */
@FunctionalInterface
public interface Progress {
    Progress NONE = fraction -> { };

    void update(double fraction);

    /** Sums per-part fractions into one overall fraction for a sink; safe to call from many threads. */
    final class Aggregate {
        private final double[] parts;
        private final Progress sink;
        private double sum;

        Aggregate(double[] parts, Progress sink) {
            this.parts = parts;
            this.sink = sink;
        }

        synchronized void set(int part, double fraction) {
            sum += fraction - parts[part];
            parts[part] = fraction;
            sink.update(Math.min(1.0, sum / parts.length));
        }
    }
}
