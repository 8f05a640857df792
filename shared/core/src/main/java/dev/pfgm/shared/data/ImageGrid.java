package dev.pfgm.shared.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Lays images out as a PNG grid (sample grids, training previews, interpolation strips): row-major
 * cells of one image each, with a one-pixel gap, pixels in [-1, 1] clamped to 0..255.
 */
public final class ImageGrid {
    private ImageGrid() {
    }

    /**
     * {@code pixels} holds {@code count} channel-first images of {@code channels} x {@code height} x
     * {@code width}; they fill {@code columns} cells per row, as many rows as needed.
     */
    public static byte[] png(float[] pixels, int count, int channels, int height, int width, int columns) {
        return png(pixels, count, channels, height, width, columns, 1);
    }

    /** The grid of generated samples: the first min(count, 100), 10 per row, enlarged for display. */
    public static byte[] samples(float[] pixels, int count, int channels, int height, int width) {
        int shown = Math.min(count, 100);
        float[] head = java.util.Arrays.copyOf(pixels, shown * channels * height * width);
        return png(head, shown, channels, height, width, Math.min(10, shown), displayScale(height));
    }

    /** Integer upscaling that makes small images readable on screen: cells of at least about 48 px, at most 4x. */
    public static int displayScale(int height) {
        return Math.max(1, Math.min(4, 48 / height));
    }

    /** As {@link #png(float[], int, int, int, int, int)}, each pixel drawn as a {@code scale} x {@code scale} block. */
    public static byte[] png(float[] pixels, int count, int channels, int height, int width, int columns, int scale) {
        int rows = (count + columns - 1) / columns;
        int gap = 1;
        int sh = height * scale;
        int sw = width * scale;
        BufferedImage img = new BufferedImage(columns * (sw + gap) + gap, rows * (sh + gap) + gap,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        var raster = img.getRaster();
        int plane = height * width;
        for (int i = 0; i < count; i++) {
            int ox = gap + (i % columns) * (sw + gap);
            int oy = gap + (i / columns) * (sh + gap);
            int base = i * channels * plane;
            for (int y = 0; y < sh; y++) {
                for (int x = 0; x < sw; x++) {
                    int p = (y / scale) * width + x / scale;
                    if (channels == 1) {
                        raster.setSample(ox + x, oy + y, 0, level(pixels[base + p]));
                    } else {
                        int rgb = (level(pixels[base + p]) << 16) | (level(pixels[base + plane + p]) << 8)
                                | level(pixels[base + 2 * plane + p]);
                        img.setRGB(ox + x, oy + y, rgb);
                    }
                }
            }
        }
        return encode(img);
    }

    /**
     * One image as its own PNG, no gap and no scaling (a synthesis's png-tar parts): the image at
     * {@code offset} of {@code pixels}, channel-first, values in [-1, 1] on 256 levels.
     */
    public static byte[] single(float[] pixels, int offset, int channels, int height, int width) {
        BufferedImage img = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        var raster = img.getRaster();
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    raster.setSample(x, y, c, level(pixels[offset + c * plane + y * width + x]));
                }
            }
        }
        return encode(img);
    }

    private static byte[] encode(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A value in [-1, 1] as one of 256 levels (clamped). */
    public static int level(float v) {
        return Math.max(0, Math.min(255, Math.round((v + 1) * 127.5f)));
    }
}
