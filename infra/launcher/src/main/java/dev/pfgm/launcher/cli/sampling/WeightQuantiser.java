package dev.pfgm.launcher.cli.sampling;

import dev.pfgm.engine.model.PfgmModel;

/**
 * A model whose weights are rounded to {@code bits} bits, as a low-precision deployment would keep
 * them: in blocks of {@value #BLOCK} consecutive weights, each block's range cut into 2^bits evenly
 * spaced levels. The PFGM++ paper's robustness claim is that smaller D degrades less under such
 * errors; the sampling bench measures it.
 */
final class WeightQuantiser {
    static final int BLOCK = 64;

    private WeightQuantiser() {
    }

    static PfgmModel quantised(PfgmModel m, int bits) {
        // the image metadata and class counts carry over: only the weights change
        return new PfgmModel(m.settings(), m.standardizer(), quantise(m.weights(), bits), m.provenance(), m.losses(),
                m.image(), m.isImage() ? null : m.classCounts());
    }

    static float[] quantise(float[] w, int bits) {
        float[] q = new float[w.length];
        int levels = (1 << bits) - 1;
        for (int start = 0; start < w.length; start += BLOCK) {
            int end = Math.min(w.length, start + BLOCK);
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int i = start; i < end; i++) {
                lo = Math.min(lo, w[i]);
                hi = Math.max(hi, w[i]);
            }
            double step = hi > lo ? (hi - lo) / (double) levels : 0;
            for (int i = start; i < end; i++) {
                q[i] = step == 0 ? lo : (float) (lo + Math.round((w[i] - lo) / step) * step);
            }
        }
        return q;
    }
}
