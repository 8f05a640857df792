package dev.pfgm.engine.random;

/**
 * A small, fully specified random generator (SplitMix64) and the rule that gives every sample its
 * own stream: stream i of seed s starts from mix(s, i), so sample i is the same whatever the count,
 * batch size or number of shards. Gaussians use Box-Muller with StrictMath, so the same seed gives
 * the same bits on any JVM.
 */
public final class SeedPlan {
    private long state;
    private double spare;
    private boolean hasSpare;

    private SeedPlan(long state) {
        this.state = state;
    }

    /** The stream for item {@code index} under run seed {@code seed}. */
    public static SeedPlan forItem(long seed, long index) {
        return new SeedPlan(mix(seed * 0x9E3779B97F4A7C15L + mix(index + 0x632BE59BD9B4E019L)));
    }

    /** A stream for purposes other than per-item draws (training batches, for instance). */
    public static SeedPlan of(long seed) {
        return new SeedPlan(mix(seed ^ 0x5DEECE66DL));
    }

    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** Uniform in [0, 1), 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        // Lemire's multiply-shift on 32 random bits is uniform enough for bound << 2^32
        long r = nextLong() >>> 32;
        return (int) ((r * bound) >>> 32);
    }

    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u = 1.0 - nextDouble();
        double v = nextDouble();
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(u));
        double a = 2.0 * Math.PI * v;
        spare = r * StrictMath.sin(a);
        hasSpare = true;
        return r * StrictMath.cos(a);
    }

    /** Rademacher: -1 or +1 with equal probability. */
    public double nextSign() {
        return (nextLong() & 1L) == 0 ? -1.0 : 1.0;
    }

    /** A 64-bit hash of two values (the generator's finaliser): for seeds derived from a seed. */
    public static long hash(long a, long b) {
        return mix(mix(a ^ 0x2545F4914F6CDD1DL) + b);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
