package dev.pfgm.engine.train;

import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.sample.ClassPlan;
import dev.pfgm.shared.data.Dataset;

/**
 * The rows a table model is trained without (setting {@code holdout}, a fraction): exactly
 * floor(fraction x count) rows, at least two left to train on, chosen by a permutation drawn from
 * the training seed. A synthesis report recomputes the same split from the same data, and compares
 * synthetic rows with the training rows beside these, which the model never saw.
 */
public final class Holdout {
    private static final long SALT = 0x484F4C444F5554L;

    private Holdout() {
    }

    /** held[i]: row i is kept out of training. */
    public static boolean[] mask(int count, double fraction, long seed) {
        boolean[] held = new boolean[count];
        long h = Math.min((long) Math.floor(fraction * count), count - 2L);
        if (h <= 0) {
            return held;
        }
        ClassPlan plan = new ClassPlan(new long[] {h, count - h}, SeedPlan.hash(seed, SALT));
        for (int i = 0; i < count; i++) {
            held[i] = plan.classOf(i) == 0;
        }
        return held;
    }

    /** The labels of the rows where {@code held[i] == wanted}. */
    public static int[] labels(int[] labels, boolean[] held, boolean wanted) {
        int[] out = new int[labels.length];
        int k = 0;
        for (int i = 0; i < labels.length; i++) {
            if (held[i] == wanted) {
                out[k++] = labels[i];
            }
        }
        return java.util.Arrays.copyOf(out, k);
    }

    /** The rows of {@code d} where {@code held[i] == wanted}. */
    public static Dataset rows(Dataset d, boolean[] held, boolean wanted) {
        int n = 0;
        for (boolean b : held) {
            n += b == wanted ? 1 : 0;
        }
        double[] v = new double[n * d.dim()];
        int k = 0;
        for (int i = 0; i < d.count(); i++) {
            if (held[i] == wanted) {
                System.arraycopy(d.values(), i * d.dim(), v, k * d.dim(), d.dim());
                k++;
            }
        }
        return new Dataset(d.source(), v, n, d.dim(), d.sha256(), d.columns());
    }
}
