package dev.pfgm.shared.data;

import java.util.SplittableRandom;

/**
 * A procedural image set whose generative factors are known, for tests: each grayscale image
 * holds one bright disc on a dark background, its centre uniform in the middle of the frame and
 * its radius uniform in [rMin, rMax]. {@link #measure} reads the factors back from any image, so
 * the distributions of generated images can be compared with the truth.
 */
public final class ProceduralImages {
    private ProceduralImages() {
    }

    /** The factors of one image: disc centre (pixels) and radius (pixels). */
    public record Disc(double cx, double cy, double r) {
    }

    public static ImageSet discs(int count, int size, double rMin, double rMax, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] px = new float[count * size * size];
        for (int i = 0; i < count; i++) {
            double r = rMin + rng.nextDouble() * (rMax - rMin);
            double cx = rMax + rng.nextDouble() * (size - 1 - 2 * rMax);
            double cy = rMax + rng.nextDouble() * (size - 1 - 2 * rMax);
            draw(px, i * size * size, size, cx, cy, r);
        }
        return new ImageSet("procedural:discs", px, count, 1, size, size, false, null,
                "procedural:discs:" + count + ":" + size + ":" + rMin + ":" + rMax + ":" + seed);
    }

    /** Anti-aliased disc: each pixel's brightness is the covered fraction, estimated on a 4x4 grid. */
    public static void draw(float[] px, int offset, int size, double cx, double cy, double r) {
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int inside = 0;
                for (int sy = 0; sy < 4; sy++) {
                    for (int sx = 0; sx < 4; sx++) {
                        double dx = x + (sx + 0.5) / 4 - 0.5 - cx;
                        double dy = y + (sy + 0.5) / 4 - 0.5 - cy;
                        if (dx * dx + dy * dy <= r * r) {
                            inside++;
                        }
                    }
                }
                px[offset + y * size + x] = (float) (inside / 16.0 * 2 - 1);
            }
        }
    }

    /** Reads a disc back: centre = brightness-weighted mean, radius from the bright area. */
    public static Disc measure(float[] px, int offset, int size) {
        double mass = 0;
        double mx = 0;
        double my = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double b = Math.max(0, Math.min(1, (px[offset + y * size + x] + 1) / 2));
                mass += b;
                mx += b * x;
                my += b * y;
            }
        }
        if (mass <= 0) {
            return new Disc(Double.NaN, Double.NaN, 0);
        }
        return new Disc(mx / mass, my / mass, Math.sqrt(mass / Math.PI));
    }
}
