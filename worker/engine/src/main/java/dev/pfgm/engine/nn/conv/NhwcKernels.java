package dev.pfgm.engine.nn.conv;

import java.util.Arrays;

/**
 * The U-Net's reshaping and normalisation kernels over channels-last arrays [n, h, w, c], each
 * with its backward. The U-Net keeps its activations channels-last because oneDNN's convolutions
 * run 10-50% faster on that layout here than on [n, c, h, w] (1x1 convolutions twice as fast;
 * docs/benchmarks.md). Channels are the innermost index everywhere; per-channel sums are
 * accumulated over pixels, then combined into groups. Element-wise kernels
 * that ignore the layout stay in {@link Kernels}.
 */
final class NhwcKernels {
    /**
     * Pixels per block of the per-channel loops: a block's BLOCK x c values run as one long loop
     * against per-channel values replicated BLOCK times, which the JIT vectorises far better
     * than a loop of c (32-192) values per pixel.
     */
    private static final int BLOCK = 16;

    /**
     * A block's values copied to offset 0 before the arithmetic, and results copied back: C2 (Java
     * 17) left a loop over x[base + j] against per-channel values at [j] scalar, about 3x slower
     * than the same loop at offset 0 plus the copies (docs/benchmarks.md).
     */
    private static final class Blocks {
        final float[] a;
        final float[] b;
        final float[] scratch;

        Blocks(int c) {
            a = new float[BLOCK * c];
            b = new float[BLOCK * c];
            scratch = new float[BLOCK * c];
        }
    }

    private NhwcKernels() {
    }

    /**
     * Group normalisation without affine (groups of {@code group} consecutive channels; statistics
     * per image and group, {@code invStd} indexed [image, group]) followed by SiLU: y = gn(x),
     * act = y sigmoid(y), sigmoid(y) kept in {@code sig}.
     */
    static void groupNormSwish(float[] x, float[] y, float[] invStd, float[] sig, float[] act, int n, int c,
                               int area, int group) {
        int groups = c / group;
        float len = group * area;
        float[] acc = new float[c];
        float[] mean = new float[BLOCK * c];
        float[] inv = new float[BLOCK * c];
        Blocks blocks = new Blocks(c);
        float[] t = blocks.a;
        for (int b = 0; b < n; b++) {
            int at = b * area * c;
            channelSums(x, null, at, area, c, null, blocks, acc);
            for (int g = 0; g < groups; g++) {
                Arrays.fill(mean, g * group, (g + 1) * group, (float) (groupSum(acc, g, group) / len));
            }
            replicate(mean, c);
            channelSums(x, null, at, area, c, mean, blocks, acc);
            for (int g = 0; g < groups; g++) {
                float iv = (float) (1 / Math.sqrt(groupSum(acc, g, group) / len + Kernels.NORM_EPS));
                invStd[b * groups + g] = iv;
                Arrays.fill(inv, g * group, (g + 1) * group, iv);
            }
            replicate(inv, c);
            for (int p = 0; p < area; p += BLOCK) {
                int base = at + p * c;
                int m = Math.min(BLOCK, area - p) * c;
                System.arraycopy(x, base, t, 0, m);
                for (int j = 0; j < m; j++) {
                    t[j] = (t[j] - mean[j]) * inv[j];
                }
                System.arraycopy(t, 0, y, base, m);
            }
        }
        Kernels.swish(y, act, sig, n * c * area);
    }

    /**
     * acc[k] = sum over the image's pixels of x[k] (or x[k] y[k] when y is given, or
     * (x[k] - centre[k])^2 when centre is given), summed a block of pixels at a time into
     * {@code blocks.scratch} [BLOCK, c] and folded into channels at the end.
     */
    private static void channelSums(float[] x, float[] y, int at, int area, int c, float[] centre, Blocks blocks,
                                    float[] acc) {
        float[] scratch = blocks.scratch;
        float[] bx = blocks.a;
        float[] by = blocks.b;
        Arrays.fill(scratch, 0f);
        for (int p = 0; p < area; p += BLOCK) {
            int base = at + p * c;
            int m = Math.min(BLOCK, area - p) * c;
            System.arraycopy(x, base, bx, 0, m);
            if (centre != null) {
                for (int j = 0; j < m; j++) {
                    float d = bx[j] - centre[j];
                    scratch[j] += d * d;
                }
            } else if (y != null) {
                System.arraycopy(y, base, by, 0, m);
                for (int j = 0; j < m; j++) {
                    scratch[j] += bx[j] * by[j];
                }
            } else {
                for (int j = 0; j < m; j++) {
                    scratch[j] += bx[j];
                }
            }
        }
        Arrays.fill(acc, 0f);
        for (int q = 0; q < BLOCK; q++) {
            for (int k = 0; k < c; k++) {
                acc[k] += scratch[q * c + k];
            }
        }
    }

    /** Copies the first c values of {@code v} [BLOCK, c] into each of its BLOCK rows. */
    private static void replicate(float[] v, int c) {
        for (int q = 1; q < BLOCK; q++) {
            System.arraycopy(v, 0, v, q * c, c);
        }
    }

    private static double groupSum(float[] acc, int g, int group) {
        double s = 0;
        for (int k = g * group; k < (g + 1) * group; k++) {
            s += acc[k];
        }
        return s;
    }

    /** dx = invStd (dy - mean(dy) - y mean(dy y)) per image and group; y is the forward output. */
    static void groupNormBackward(float[] dy, float[] y, float[] invStd, float[] dx, int n, int c, int area,
                                  int group) {
        int groups = c / group;
        float len = group * area;
        float[] sd = new float[c];
        float[] sdy = new float[c];
        Blocks blocks = new Blocks(c);
        float[] md = new float[BLOCK * c];
        float[] mdy = new float[BLOCK * c];
        float[] inv = new float[BLOCK * c];
        float[] tdy = blocks.a;
        float[] ty = blocks.b;
        for (int b = 0; b < n; b++) {
            int at = b * area * c;
            channelSums(dy, null, at, area, c, null, blocks, sd);
            channelSums(dy, y, at, area, c, null, blocks, sdy);
            for (int g = 0; g < groups; g++) {
                int from = g * group;
                int to = from + group;
                Arrays.fill(md, from, to, (float) (groupSum(sd, g, group) / len));
                Arrays.fill(mdy, from, to, (float) (groupSum(sdy, g, group) / len));
                Arrays.fill(inv, from, to, invStd[b * groups + g]);
            }
            replicate(md, c);
            replicate(mdy, c);
            replicate(inv, c);
            for (int p = 0; p < area; p += BLOCK) {
                int base = at + p * c;
                int m = Math.min(BLOCK, area - p) * c;
                System.arraycopy(dy, base, tdy, 0, m);
                System.arraycopy(y, base, ty, 0, m);
                for (int j = 0; j < m; j++) {
                    tdy[j] = inv[j] * (tdy[j] - md[j] - ty[j] * mdy[j]);
                }
                System.arraycopy(tdy, 0, dx, base, m);
            }
        }
    }

    /** h[b, :, :, k] += shift[b, k]. */
    static void addShift(float[] h, float[] shift, int n, int c, int area) {
        float[] rep = new float[BLOCK * c];
        float[] t = new float[BLOCK * c];
        for (int b = 0; b < n; b++) {
            System.arraycopy(shift, b * c, rep, 0, c);
            replicate(rep, c);
            int at = b * area * c;
            for (int p = 0; p < area; p += BLOCK) {
                int base = at + p * c;
                int m = Math.min(BLOCK, area - p) * c;
                System.arraycopy(h, base, t, 0, m);
                for (int j = 0; j < m; j++) {
                    t[j] += rep[j];
                }
                System.arraycopy(t, 0, h, base, m);
            }
        }
    }

    /** dshift[b, k] = sum over pixels of dh[b, :, :, k]. */
    static void shiftBackward(float[] dh, float[] dshift, int n, int c, int area) {
        Blocks blocks = new Blocks(c);
        float[] acc = new float[c];
        for (int b = 0; b < n; b++) {
            channelSums(dh, null, b * area * c, area, c, null, blocks, acc);
            System.arraycopy(acc, 0, dshift, b * c, c);
        }
    }

    /**
     * 2x2 average pooling of [n, h, w, c] (h, w even) into [n, h/2, w/2, c]; with c = 1 it pools
     * n channels-first planes [n, h, w].
     */
    static void avgPool(float[] x, float[] y, int n, int c, int h, int w) {
        pool(x, y, n, c, h, w, false);
    }

    /** Adds the gradient of {@link #avgPool} into dx [n, h, w, c]. */
    static void avgPoolBackward(float[] dy, float[] dx, int n, int c, int h, int w) {
        pool(dx, dy, n, c, h, w, true);
    }

    /**
     * Both directions over one walk of the 2x2 blocks: fine [n, h, w, c] and coarse [n, h/2, w/2, c].
     * The direction is loop-invariant, so the compiler unswitches it out of the loops.
     */
    private static void pool(float[] fine, float[] coarse, int n, int c, int h, int w, boolean backward) {
        int oh = h / 2;
        int ow = w / 2;
        for (int b = 0; b < n; b++) {
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    int o = ((b * oh + r) * ow + q) * c;
                    int i00 = ((b * h + 2 * r) * w + 2 * q) * c;
                    int i01 = i00 + c;
                    int i10 = i00 + w * c;
                    int i11 = i10 + c;
                    if (backward) {
                        for (int k = 0; k < c; k++) {
                            float g = 0.25f * coarse[o + k];
                            fine[i00 + k] += g;
                            fine[i01 + k] += g;
                            fine[i10 + k] += g;
                            fine[i11 + k] += g;
                        }
                    } else {
                        for (int k = 0; k < c; k++) {
                            coarse[o + k] = 0.25f * (fine[i00 + k] + fine[i01 + k] + fine[i10 + k] + fine[i11 + k]);
                        }
                    }
                }
            }
        }
    }

    /**
     * Nearest-neighbour 2x upsampling of x [n, h, w, cx] concatenated along channels with the skip
     * s [n, 2h, 2w, cs]: y [n, 2h, 2w, cx + cs], upsampled channels first.
     */
    static void upConcat(float[] x, float[] s, float[] y, int n, int cx, int cs, int h, int w) {
        int oh = 2 * h;
        int ow = 2 * w;
        int cy = cx + cs;
        for (int b = 0; b < n; b++) {
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    int pixel = (b * oh + r) * ow + q;
                    System.arraycopy(x, ((b * h + (r >> 1)) * w + (q >> 1)) * cx, y, pixel * cy, cx);
                    System.arraycopy(s, pixel * cs, y, pixel * cy + cx, cs);
                }
            }
        }
    }

    /** Splits dy of {@link #upConcat}: dx written (each 2x2 block summed), ds added to. */
    static void upConcatBackward(float[] dy, float[] dx, float[] ds, int n, int cx, int cs, int h, int w) {
        int oh = 2 * h;
        int ow = 2 * w;
        int cy = cx + cs;
        Arrays.fill(dx, 0, n * h * w * cx, 0f);
        for (int b = 0; b < n; b++) {
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    int pixel = (b * oh + r) * ow + q;
                    int from = pixel * cy;
                    int to = ((b * h + (r >> 1)) * w + (q >> 1)) * cx;
                    for (int k = 0; k < cx; k++) {
                        dx[to + k] += dy[from + k];
                    }
                    int sAt = pixel * cs;
                    for (int k = 0; k < cs; k++) {
                        ds[sAt + k] += dy[from + cx + k];
                    }
                }
            }
        }
    }

    /** [n, c, area] to [n, area, c] (dst must not be src). */
    static void toChannelsLast(float[] src, float[] dst, int n, int c, int area) {
        transpose(src, dst, n, c, area);
    }

    /** [n, area, c] to [n, c, area] (dst must not be src). */
    static void toChannelsFirst(float[] src, float[] dst, int n, int c, int area) {
        transpose(src, dst, n, area, c);
    }

    /** Each of the n [rows, cols] matrices of src into [cols, rows] in dst. */
    private static void transpose(float[] src, float[] dst, int n, int rows, int cols) {
        for (int b = 0; b < n; b++) {
            int at = b * rows * cols;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    dst[at + j * rows + i] = src[at + i * cols + j];
                }
            }
        }
    }
}
