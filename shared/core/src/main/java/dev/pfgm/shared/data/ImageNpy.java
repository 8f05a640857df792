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

    /** A parsed array as images. */
    public static ImageSet images(NpyFile.Array a, String name, String sha256) {
        long[] s = a.shape();
        int n;
        int c;
        int h;
        int w;
        boolean channelsLast = false;
        if (s.length == 3) {
            n = (int) s[0];
            c = 1;
            h = (int) s[1];
            w = (int) s[2];
        } else if (s.length == 4 && (s[1] == 1 || s[1] == 3) && s[3] != 1 && s[3] != 3) {
            n = (int) s[0];
            c = (int) s[1];
            h = (int) s[2];
            w = (int) s[3];
        } else if (s.length == 4 && (s[3] == 1 || s[3] == 3)) {
            n = (int) s[0];
            h = (int) s[1];
            w = (int) s[2];
            c = (int) s[3];
            channelsLast = true;
        } else {
            throw new InvalidInputException(name + ": shape " + java.util.Arrays.toString(s)
                    + " is not images; expected [n, h, w], [n, c, h, w] or [n, h, w, c] with c = 1 or 3");
        }
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
        double scale;
        double shift;
        if (a.eightBit()) {
            scale = 1 / 127.5;
            shift = -1;
        } else if (lo >= 0 && hi <= 1) {
            scale = 2;
            shift = -1;
        } else if (lo >= -1 && hi <= 1) {
            scale = 1;
            shift = 0;
        } else {
            throw new InvalidInputException(name + ": float pixels range over [" + lo + ", " + hi
                    + "]; expected [0, 1] or [-1, 1] (or uint8 0..255)");
        }
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
