package dev.pfgm.engine.nn.conv;

import dev.pfgm.engine.nn.DeviceArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise kernels of the convolutional networks in plain Java (SiLU, for any layout), and the
 * classifier's normalisation and pooling over NCHW float arrays, each with its backward (the U-Net's
 * channels-last ones are {@link NhwcKernels}). Written by hand because ND4J's element-wise backward
 * ops cost 20-50 ns per value here, ten times these loops (docs/benchmarks.md).
 */
final class Kernels {
    static final float NORM_EPS = 1e-5f;

    private Kernels() {
    }

    /** y = x sigmoid(x), keeping sigmoid(x) in {@code sig}. */
    static void swish(float[] x, float[] y, float[] sig, int len) {
        for (int i = 0; i < len; i++) {
            float s = 0.5f + 0.5f * tanh(0.5f * x[i]);
            sig[i] = s;
            y[i] = x[i] * s;
        }
    }

    /**
     * tanh in float as a rational function of odd degree 13 over even degree 6 on [-9, 9] (the
     * coefficients Eigen uses; absolute error below 1e-6), +-1 beyond. Only multiplies, adds and
     * one division, so the JIT vectorises the loops that call it; Math.exp cost 15 ns a value here.
     */
    @SuppressWarnings("FloatingPointLiteralPrecision") // the coefficients as published; float rounds them
    static float tanh(float x) {
        x = Math.max(-9f, Math.min(9f, x));
        float x2 = x * x;
        float p = -2.76076847742355e-16f;
        p = p * x2 + 2.00018790482477e-13f;
        p = p * x2 - 8.60467152213735e-11f;
        p = p * x2 + 5.12229709037114e-08f;
        p = p * x2 + 1.48572235717979e-05f;
        p = p * x2 + 6.37261928875436e-04f;
        p = p * x2 + 4.89352455891786e-03f;
        p = p * x;
        float q = 1.19825839466702e-06f;
        q = q * x2 + 1.18534705686654e-04f;
        q = q * x2 + 2.26843463243900e-03f;
        q = q * x2 + 4.89352518554385e-03f;
        return p / q;
    }

    /** dx = dy (s + x s (1 - s)); may write over dy. */
    static void swishBackward(float[] dy, float[] x, float[] sig, float[] dx, int len) {
        for (int i = 0; i < len; i++) {
            float s = sig[i];
            dx[i] = dy[i] * (s + x[i] * s * (1 - s));
        }
    }

    /**
     * Group normalisation without affine (groups of {@code group} channels, statistics per image
     * and group) followed by SiLU: y = gn(x), act = y sigmoid(y), keeping sigmoid(y) in
     * {@code sig} for the backward pass. The sums run in eight float lanes: a single double
     * accumulator is a chain of dependent adds the JIT cannot vectorise, and it made these
     * statistics half of the (then NCHW) U-Net's Java time (docs/benchmarks.md).
     */
    static void groupNormSwish(float[] x, float[] y, float[] invStd, float[] sig, float[] act, int n, int c,
                               int area, int group) {
        int groups = c / group;
        int len = group * area;
        for (int g = 0; g < n * groups; g++) {
            int at = g * len;
            float mean = (float) (laneSum(x, at, len, 0f, false) / len);
            float inv = (float) (1 / Math.sqrt(laneSum(x, at, len, mean, true) / len + NORM_EPS));
            invStd[g] = inv;
            for (int i = at; i < at + len; i++) {
                y[i] = (x[i] - mean) * inv;
            }
        }
        // a separate loop: the JIT vectorises loops of one or two outputs, not of three
        swish(y, act, sig, n * c * area);
    }

    /**
     * The sum of x - centre over x[at .. at + len), or of (x - centre)^2 with {@code squares}, in
     * eight independent float lanes added in a fixed order (so the result is deterministic).
     */
    private static double laneSum(float[] x, int at, int len, float centre, boolean squares) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int i = at;
        int end = at + len;
        if (squares) {
            for (; i + 8 <= end; i += 8) {
                float d0 = x[i] - centre;
                float d1 = x[i + 1] - centre;
                float d2 = x[i + 2] - centre;
                float d3 = x[i + 3] - centre;
                float d4 = x[i + 4] - centre;
                float d5 = x[i + 5] - centre;
                float d6 = x[i + 6] - centre;
                float d7 = x[i + 7] - centre;
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
                s4 += d4 * d4;
                s5 += d5 * d5;
                s6 += d6 * d6;
                s7 += d7 * d7;
            }
        } else {
            for (; i + 8 <= end; i += 8) {
                s0 += x[i] - centre;
                s1 += x[i + 1] - centre;
                s2 += x[i + 2] - centre;
                s3 += x[i + 3] - centre;
                s4 += x[i + 4] - centre;
                s5 += x[i + 5] - centre;
                s6 += x[i + 6] - centre;
                s7 += x[i + 7] - centre;
            }
        }
        double sum = ((double) s0 + s1) + ((double) s2 + s3) + ((double) s4 + s5) + ((double) s6 + s7);
        for (; i < end; i++) {
            float d = x[i] - centre;
            sum += squares ? d * d : d;
        }
        return sum;
    }

    /** dx = invStd (dy - mean(dy) - y mean(dy y)) per group; y is the forward output. */
    static void groupNormBackward(float[] dy, float[] y, float[] invStd, float[] dx, int n, int c, int area,
                                  int group) {
        int groups = c / group;
        int len = group * area;
        for (int g = 0; g < n * groups; g++) {
            int at = g * len;
            double sd = 0;
            double sdy = 0;
            for (int i = 0; i < len; i++) {
                sd += dy[at + i];
                sdy += dy[at + i] * y[at + i];
            }
            float md = (float) (sd / len);
            float mdy = (float) (sdy / len);
            float inv = invStd[g];
            for (int i = 0; i < len; i++) {
                dx[at + i] = inv * (dy[at + i] - md - y[at + i] * mdy);
            }
        }
    }

    /** 2x2 average pooling of [n*c, h, w] planes (h, w even). */
    static void avgPool(float[] x, float[] y, int planes, int h, int w) {
        pool(x, y, planes, h, w, false);
    }

    /** Adds the pooling gradient into dx. */
    static void avgPoolBackward(float[] dy, float[] dx, int planes, int h, int w) {
        pool(dx, dy, planes, h, w, true);
    }

    /**
     * Both directions over one walk of the 2x2 blocks of fine [planes, h, w] and coarse [planes, h/2,
     * w/2]. The direction is loop-invariant, so the compiler unswitches it out of the loops.
     */
    private static void pool(float[] fine, float[] coarse, int planes, int h, int w, boolean backward) {
        int oh = h / 2;
        int ow = w / 2;
        for (int p = 0; p < planes; p++) {
            for (int r = 0; r < oh; r++) {
                int a = p * h * w + 2 * r * w;
                int o = (p * oh + r) * ow;
                if (backward) {
                    for (int q = 0; q < ow; q++) {
                        float g = 0.25f * coarse[o + q];
                        fine[a + 2 * q] += g;
                        fine[a + 2 * q + 1] += g;
                        fine[a + w + 2 * q] += g;
                        fine[a + w + 2 * q + 1] += g;
                    }
                } else {
                    for (int q = 0; q < ow; q++) {
                        coarse[o + q] = 0.25f * (fine[a + 2 * q] + fine[a + 2 * q + 1] + fine[a + w + 2 * q]
                                + fine[a + w + 2 * q + 1]);
                    }
                }
            }
        }
    }

    /** grad[at ..] += src (a device array of {@code len} values). */
    static void addDownload(INDArray src, float[] grad, int at, int len) {
        float[] tmp = new float[len];
        DeviceArrays.download(src, tmp, 0, len);
        for (int i = 0; i < len; i++) {
            grad[at + i] += tmp[i];
        }
    }
}
