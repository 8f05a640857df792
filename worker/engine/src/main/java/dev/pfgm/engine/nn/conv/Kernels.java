package dev.pfgm.engine.nn.conv;

import dev.pfgm.engine.nn.DeviceArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise and reshaping kernels of the U-Net in plain Java over NCHW float arrays, each with
 * its backward. Written by hand because ND4J's element-wise backward ops cost 20-50 ns per value
 * here, ten times these loops (docs/benchmarks.md).
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

    /** Group normalisation without affine: groups of {@code group} channels, statistics per image and group. */
    static void groupNorm(float[] x, float[] y, float[] invStd, int n, int c, int area, int group) {
        int groups = c / group;
        int len = group * area;
        for (int g = 0; g < n * groups; g++) {
            int at = g * len;
            double sum = 0;
            for (int i = 0; i < len; i++) {
                sum += x[at + i];
            }
            float mean = (float) (sum / len);
            double sq = 0;
            for (int i = 0; i < len; i++) {
                float d = x[at + i] - mean;
                sq += d * d;
            }
            float inv = (float) (1 / Math.sqrt(sq / len + NORM_EPS));
            invStd[g] = inv;
            for (int i = 0; i < len; i++) {
                y[at + i] = (x[at + i] - mean) * inv;
            }
        }
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

    /** h[b, c, :, :] += shift[b, c]. */
    static void addShift(float[] h, float[] shift, int n, int c, int area) {
        for (int bc = 0; bc < n * c; bc++) {
            float s = shift[bc];
            int at = bc * area;
            for (int i = 0; i < area; i++) {
                h[at + i] += s;
            }
        }
    }

    /** dshift[b, c] = sum over pixels of dh[b, c]. */
    static void shiftBackward(float[] dh, float[] dshift, int n, int c, int area) {
        for (int bc = 0; bc < n * c; bc++) {
            int at = bc * area;
            float s = 0;
            for (int i = 0; i < area; i++) {
                s += dh[at + i];
            }
            dshift[bc] = s;
        }
    }

    /** 2x2 average pooling of [n*c, h, w] planes (h, w even). */
    static void avgPool(float[] x, float[] y, int planes, int h, int w) {
        int oh = h / 2;
        int ow = w / 2;
        for (int p = 0; p < planes; p++) {
            int in = p * h * w;
            int out = p * oh * ow;
            for (int r = 0; r < oh; r++) {
                int a = in + 2 * r * w;
                for (int q = 0; q < ow; q++) {
                    y[out + r * ow + q] = 0.25f * (x[a + 2 * q] + x[a + 2 * q + 1] + x[a + w + 2 * q] + x[a + w + 2 * q + 1]);
                }
            }
        }
    }

    /** Adds the pooling gradient into dx. */
    static void avgPoolBackward(float[] dy, float[] dx, int planes, int h, int w) {
        int oh = h / 2;
        int ow = w / 2;
        for (int p = 0; p < planes; p++) {
            int in = p * h * w;
            int out = p * oh * ow;
            for (int r = 0; r < oh; r++) {
                int a = in + 2 * r * w;
                for (int q = 0; q < ow; q++) {
                    float g = 0.25f * dy[out + r * ow + q];
                    dx[a + 2 * q] += g;
                    dx[a + 2 * q + 1] += g;
                    dx[a + w + 2 * q] += g;
                    dx[a + w + 2 * q + 1] += g;
                }
            }
        }
    }

    /**
     * Nearest-neighbour 2x upsampling of x [n, cx, h, w] concatenated along channels with the skip
     * s [n, cs, 2h, 2w]: y [n, cx + cs, 2h, 2w], upsampled part first.
     */
    static void upConcat(float[] x, float[] s, float[] y, int n, int cx, int cs, int h, int w) {
        int oh = 2 * h;
        int ow = 2 * w;
        int area = oh * ow;
        for (int b = 0; b < n; b++) {
            int yb = b * (cx + cs) * area;
            for (int c = 0; c < cx; c++) {
                int src = (b * cx + c) * h * w;
                int dst = yb + c * area;
                for (int r = 0; r < oh; r++) {
                    for (int q = 0; q < ow; q++) {
                        y[dst + r * ow + q] = x[src + (r >> 1) * w + (q >> 1)];
                    }
                }
            }
            System.arraycopy(s, b * cs * area, y, yb + cx * area, cs * area);
        }
    }

    /** Splits dy of {@link #upConcat}: dx (summed over each 2x2 block) and ds (added to). */
    static void upConcatBackward(float[] dy, float[] dx, float[] ds, int n, int cx, int cs, int h, int w) {
        int oh = 2 * h;
        int ow = 2 * w;
        int area = oh * ow;
        for (int b = 0; b < n; b++) {
            int yb = b * (cx + cs) * area;
            for (int c = 0; c < cx; c++) {
                int dst = (b * cx + c) * h * w;
                int src = yb + c * area;
                for (int r = 0; r < h; r++) {
                    for (int q = 0; q < w; q++) {
                        int a = src + 2 * r * ow + 2 * q;
                        dx[dst + r * w + q] = dy[a] + dy[a + 1] + dy[a + ow] + dy[a + ow + 1];
                    }
                }
            }
            int at = yb + cx * area;
            int to = b * cs * area;
            for (int i = 0; i < cs * area; i++) {
                ds[to + i] += dy[at + i];
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
