package dev.pfgm.engine.sample;

import dev.pfgm.engine.random.SeedPlan;

/**
 * Which class each row of a bulk synthesis of {@code count} rows gets, with exact counts per
 * class: the classes are laid out in order (counts[0] rows of class 0, then class 1, ...) and row
 * i takes the class at position pi(i) of that layout, pi a permutation of 0 .. count - 1 drawn
 * from the seed. So the classes are shuffled through the output, every count is exact, and row
 * i's class is a function of (seed, counts, i) alone: any shard can compute its own rows' classes.
 *
 * <p>pi is a four-round Feistel network on the smallest even-bit domain holding count, walked in
 * cycles until it lands below count (at most 4 steps on average): a bijection without a table.
 */
public final class ClassPlan {
    private static final int ROUNDS = 4;
    private final long count;
    private final long[] ends;
    private final int halfBits;
    private final long halfMask;
    private final long[] keys = new long[ROUNDS];

    /** {@code counts[c]} rows of class c; they sum to the synthesis's count. */
    public ClassPlan(long[] counts, long seed) {
        long total = 0;
        ends = new long[counts.length];
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < 0) {
                throw new IllegalArgumentException("negative count for class " + c);
            }
            total += counts[c];
            ends[c] = total;
        }
        if (total < 1) {
            throw new IllegalArgumentException("no rows to plan");
        }
        this.count = total;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(total - 1));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
        for (int r = 0; r < ROUNDS; r++) {
            keys[r] = SeedPlan.hash(seed, 0x434C4153L + r);
        }
    }

    public long count() {
        return count;
    }

    /** Position of row {@code i} in the ordered layout. */
    long permute(long i) {
        if (i < 0 || i >= count) {
            throw new IllegalArgumentException("row " + i + " outside 0.." + (count - 1));
        }
        long v = i;
        do {
            v = feistel(v);
        } while (v >= count);
        return v;
    }

    private long feistel(long v) {
        long left = v >>> halfBits;
        long right = v & halfMask;
        for (int r = 0; r < ROUNDS; r++) {
            long next = left ^ (SeedPlan.hash(keys[r], right) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    /** The class of row {@code i}. */
    public int classOf(long i) {
        long p = permute(i);
        int lo = 0;
        int hi = ends.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (p < ends[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The classes of rows first .. first + n - 1. */
    public int[] classes(long first, int n) {
        int[] out = new int[n];
        for (int r = 0; r < n; r++) {
            out[r] = classOf(first + r);
        }
        return out;
    }
}
