package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;

/**
 * Images from a .npy array: [n, h, w], [n, c, h, w] or [n, h, w, c] with c = 1 or 3, uint8
 * (0..255) or float ([0, 1], or [-1, 1] when any value is negative).
 */
public final class ImageNpy {
    private ImageNpy() {
    }

    public static ImageSet read(byte[] bytes, String name) {
        return images(NpyFile.parse(bytes, name), name, DataFiles.sha256(bytes));
    }

    /** The first {@code n} images of a .npy file checked before (a dataset's thumbnails): the rest is not read. */
    public static ImageSet first(java.nio.file.Path file, int n, String name, DataLimits limits) throws java.io.IOException {
        try (java.io.InputStream in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file))) {
            NpyFile.Header h = NpyFile.header(in, java.nio.file.Files.size(file), name, limits);
            long[] shape = h.shape().clone();
            long perImage = h.count() / Math.max(1, shape[0]);
            shape[0] = Math.min(n, shape[0]);
            double[] v = new double[(int) (shape[0] * perImage)];
            NpyFile.values(in, new NpyFile.Header(shape, h.fortran(), h.width(), h.order(), h.dataStart(), v.length, h.integer()),
                    (i, x) -> v[(int) i] = x);
            return images(new NpyFile.Array(shape, v, h.eightBit()), name, "", limits);
        }
    }

    /** How an array's shape lays out images: count, channels, height, width, and channels last or first. */
    public record Layout(int n, int c, int h, int w, boolean channelsLast) {
    }

    /** The image layout of {@code s}, checked against the per-image pixel limit. */
    public static Layout layout(long[] s, String name, DataLimits limits) {
        Layout l;
        if (s.length == 3) {
            limits.checkImage(name, s[2], s[1]);
            l = new Layout((int) s[0], 1, (int) s[1], (int) s[2], false);
        } else if (s.length == 4 && (s[1] == 1 || s[1] == 3) && s[3] != 1 && s[3] != 3) {
            limits.checkImage(name, s[3], s[2]);
            l = new Layout((int) s[0], (int) s[1], (int) s[2], (int) s[3], false);
        } else if (s.length == 4 && (s[3] == 1 || s[3] == 3)) {
            limits.checkImage(name, s[2], s[1]);
            l = new Layout((int) s[0], (int) s[3], (int) s[1], (int) s[2], true);
        } else {
            throw new InvalidInputException(name + ": shape " + java.util.Arrays.toString(s)
                    + " is not images; expected [n, h, w], [n, c, h, w] or [n, h, w, c] with c = 1 or 3");
        }
        return l;
    }

    /** How float pixels in [lo, hi] map to [-1, 1]: {scale, shift}; refuses other ranges. */
    public static double[] scaling(boolean eightBit, double lo, double hi, String name) {
        if (eightBit) {
            return new double[] {1 / 127.5, -1};
        }
        if (lo >= 0 && hi <= 1) {
            return new double[] {2, -1};
        }
        if (lo >= -1 && hi <= 1) {
            return new double[] {1, 0};
        }
        throw new InvalidInputException(name + ": float pixels range over [" + lo + ", " + hi
                + "]; expected [0, 1] or [-1, 1] (or uint8 0..255)");
    }

    /** A parsed array as images. */
    public static ImageSet images(NpyFile.Array a, String name, String sha256) {
        return images(a, name, sha256, DataLimits.DEFAULT);
    }

    public static ImageSet images(NpyFile.Array a, String name, String sha256, DataLimits limits) {
        Layout l = layout(a.shape(), name, limits);
        int n = l.n();
        int c = l.c();
        int h = l.h();
        int w = l.w();
        boolean channelsLast = l.channelsLast();
        double[] v = a.values();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new InvalidInputException(name + ": pixel values must be finite; found " + x);
            }
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        double[] sc = scaling(a.eightBit(), lo, hi, name);
        double scale = sc[0];
        double shift = sc[1];
        float[] px = new float[v.length];
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                for (int p = 0; p < plane; p++) {
                    int from = channelsLast ? (i * plane + p) * c + k : (i * c + k) * plane + p;
                    px[(i * c + k) * plane + p] = (float) (v[from] * scale + shift);
                }
            }
        }
        return new ImageSet(name, px, n, c, h, w, a.eightBit(), null, sha256);
    }
}
