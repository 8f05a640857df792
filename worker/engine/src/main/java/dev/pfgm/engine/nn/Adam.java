package dev.pfgm.engine.nn;

/**
 * Adam (Kingma and Ba) with bias correction over a flat parameter array, with global-norm
 * gradient clipping applied before the moments are updated.
 */
public final class Adam {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float[] m;
    private final float[] v;
    private long step;

    public Adam(int size, double beta1, double beta2, double eps) {
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.m = new float[size];
        this.v = new float[size];
    }

    /**
     * One update of {@code params} with gradient {@code grad} at learning rate {@code lr}.
     * Gradients whose global norm exceeds {@code clipNorm} are scaled down to it (not when
     * clipNorm <= 0). Returns the gradient norm before clipping.
     */
    public double update(float[] params, float[] grad, double lr, double clipNorm) {
        return update(params, grad, lr, clipNorm, 0);
    }

    /** As {@link #update(float[], float[], double, double)}, with decoupled weight decay (AdamW). */
    public double update(float[] params, float[] grad, double lr, double clipNorm, double weightDecay) {
        double sq = 0;
        for (float g : grad) {
            sq += (double) g * g;
        }
        double norm = Math.sqrt(sq);
        float scale = (clipNorm > 0 && norm > clipNorm) ? (float) (clipNorm / norm) : 1f;
        step++;
        double c1 = 1 - Math.pow(beta1, (double) step);
        double c2 = 1 - Math.pow(beta2, (double) step);
        float a = (float) (lr * Math.sqrt(c2) / c1);
        float epsHat = (float) (eps * Math.sqrt(c2));
        float decay = (float) (1 - lr * weightDecay);
        float b1 = beta1;
        float b2 = beta2;
        for (int i = 0; i < params.length; i++) {
            float g = grad[i] * scale;
            float mi = b1 * m[i] + (1 - b1) * g;
            float vi = b2 * v[i] + (1 - b2) * g * g;
            m[i] = mi;
            v[i] = vi;
            params[i] = decay * params[i] - a * mi / ((float) Math.sqrt(vi) + epsHat);
        }
        return norm;
    }

    public long steps() {
        return step;
    }

    /** First and second moments (live arrays), for checkpoints. */
    public float[] firstMoment() {
        return m;
    }

    public float[] secondMoment() {
        return v;
    }

    /** Continues from a checkpoint's moments and step count. */
    public void restore(float[] first, float[] second, long steps) {
        System.arraycopy(first, 0, m, 0, m.length);
        System.arraycopy(second, 0, v, 0, v.length);
        this.step = steps;
    }
}
