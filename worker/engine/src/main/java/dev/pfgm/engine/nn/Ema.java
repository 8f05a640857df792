package dev.pfgm.engine.nn;

/**
 * Exponential moving average of the parameters, used for sampling. The decay ramps up as
 * min(decay, (1 + n) / (10 + n)) so that early averages are not dominated by the initial weights
 * (the PFGM and score-SDE code do the same).
 */
public final class Ema {
    private final double decay;
    private final float[] average;
    private long updates;

    public Ema(float[] initial, double decay) {
        this.decay = decay;
        this.average = initial.clone();
    }

    public void update(float[] params) {
        float d = (float) Math.min(decay, (1.0 + updates) / (10.0 + updates));
        float w = 1 - d;
        for (int i = 0; i < average.length; i++) {
            average[i] = d * average[i] + w * params[i];
        }
        updates++;
    }

    public float[] average() {
        return average;
    }

    public long updates() {
        return updates;
    }

    /** Continues from a checkpoint's average and update count. */
    public void restore(float[] avg, long count) {
        System.arraycopy(avg, 0, average, 0, average.length);
        this.updates = count;
    }
}
