package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;

/**
 * Images of one size: {@code count} images of {@code channels} x {@code height} x {@code width}
 * pixels in [-1, 1], channel-first, row-major. {@code eightBit} says the source held 256 levels
 * (so likelihoods are computed on uniformly dequantised pixels); {@code labels} may be null.
 */
public record ImageSet(String source, float[] pixels, int count, int channels, int height, int width,
        boolean eightBit, int[] labels, String sha256) {

    public ImageSet {
        if (count < 1) {
            throw new InvalidInputException(source + ": no images");
        }
        if (channels != 1 && channels != 3) {
            throw new InvalidInputException(source + ": images have " + channels + " channels; expected 1 or 3");
        }
        if (height < 2 || width < 2) {
            throw new InvalidInputException(source + ": images of " + height + "x" + width + " pixels are too small");
        }
        if (pixels.length != (long) count * channels * height * width) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " values, expected "
                    + count + "x" + channels + "x" + height + "x" + width);
        }
        if (labels != null && labels.length != count) {
            throw new InvalidInputException(source + ": " + labels.length + " labels for " + count + " images");
        }
    }

    /** Values per image: N = channels * height * width, the dimension the PFGM works in. */
    public int dim() {
        return channels * height * width;
    }

    /** Maps 8-bit levels 0..255 to [-1, 1]. */
    static float level(int v) {
        return v / 127.5f - 1f;
    }

    /**
     * Generated values as the images a user sees (and the data are): clipped to [-1, 1] and, for
     * 8-bit data, rounded to its 256 levels, as a saved PNG would be. Returns a new array.
     */
    public static float[] displayed(float[] values, boolean eightBit) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = Math.max(-1f, Math.min(1f, values[i]));
            out[i] = eightBit ? level(ImageGrid.level(v)) : v;
        }
        return out;
    }
}
