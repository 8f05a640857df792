package dev.pfgm.engine.nn.conv;

import java.util.ArrayList;
import java.util.List;

/**
 * The layout of a network's flat parameter array, built as layers are created: each block's
 * offset, size and initial scale (He-normal with a gain; scale 0 for biases).
 */
final class Params {
    private final List<int[]> blocks = new ArrayList<>();
    private final List<Double> scales = new ArrayList<>();
    private int size;

    /** Reserves {@code count} values initialised N(0, gain^2 * 2 / fanIn) (0 when fanIn is 0); returns the offset. */
    int add(int fanIn, int count, double gain) {
        int at = size;
        blocks.add(new int[] {at, count});
        scales.add(fanIn > 0 ? gain * Math.sqrt(2.0 / fanIn) : 0.0);
        size += count;
        return at;
    }

    int size() {
        return size;
    }

    void initialise(float[] p, dev.pfgm.engine.random.SeedPlan rng) {
        for (int i = 0; i < blocks.size(); i++) {
            int[] blk = blocks.get(i);
            double s = scales.get(i);
            for (int k = 0; k < blk[1]; k++) {
                p[blk[0] + k] = s == 0 ? 0f : (float) (s * rng.nextGaussian());
            }
        }
    }
}
