package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.Text;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;

/**
 * A .zip of same-size PNG files, grayscale or RGB (with an alpha channel only when every pixel is
 * opaque), read in name order. All images must have the same size and kind; the first that
 * differs, or does not decode, is named in the error. The zip is
 * read as a stream, one entry at a time: entries, unpacked bytes (in all and per entry) and each
 * PNG's width x height (from its header, before it is decoded) are held to the limits.
 */
public final class PngZip {
    /** A PNG entry larger than this once unpacked is not an image of the allowed size. */
    private static final long MAX_ENTRY_BYTES = 64L << 20;
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngZip() {
    }

    public static ImageSet read(byte[] bytes, String name) {
        try {
            Images all = scan(new ByteArrayInputStream(bytes), bytes.length, name, DataLimits.DEFAULT, true);
            return all.toSet(name, DataFiles.sha256(bytes));
        } catch (IOException e) {
            throw new InvalidInputException(name + ": not a readable zip file: " + e.getMessage());
        }
    }

    public static ImageSet read(Path file, String name, DataLimits limits, String sha256) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return scan(in, Files.size(file), name, limits, true).toSet(name, sha256);
        }
    }

    /** The images' count and size, each decoded and dropped. */
    public static Images inspect(InputStream in, long length, String name, DataLimits limits) throws IOException {
        return scan(in, length, name, limits, false);
    }

    /** What a zip holds: count and size; the pixels by entry name when they were kept. */
    public record Images(int count, int channels, int height, int width, Map<String, float[]> pixels) {
        ImageSet toSet(String name, String sha256) {
            float[] all = new float[count * channels * height * width];
            int i = 0;
            for (float[] px : pixels.values()) {
                System.arraycopy(px, 0, all, i, px.length);
                i += px.length;
            }
            return new ImageSet(name, all, count, channels, height, width, true, null, sha256);
        }
    }

    /** The first {@code n} images in the zip's order (a dataset's thumbnails): the rest is not read. */
    public static ImageSet first(Path file, int n, String name, DataLimits limits) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Images some = scan(in, Files.size(file), name, limits, true, n);
            return some.toSet(name, "");
        }
    }

    private static Images scan(InputStream raw, long length, String name, DataLimits limits, boolean keep)
            throws IOException {
        return scan(raw, length, name, limits, keep, Integer.MAX_VALUE);
    }

    private static Images scan(InputStream raw, long length, String name, DataLimits limits, boolean keep, int stopAfter)
            throws IOException {
        Map<String, float[]> kept = new TreeMap<>();
        int count = 0;
        int h = -1;
        int w = -1;
        int c = -1;
        String first = null;
        long unpacked = 0;
        int entries = 0;
        BufferedInputStream in = new BufferedInputStream(raw);
        in.mark(2);
        boolean signed = in.read() == 'P' && in.read() == 'K';
        in.reset();
        if (!signed) {
            // a zip stream reader reads any other file as a zip of nothing ("holds no .png files")
            throw new InvalidInputException(name + ": not a zip file (it does not start with the zip signature 'PK')");
        }
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while (count < stopAfter && (e = zip.getNextEntry()) != null) {
                if (++entries > limits.maxZipEntries()) {
                    throw new LimitExceededException(name + ": more than " + limits.maxZipEntries() + " files in the zip",
                            dev.pfgm.shared.config.Settings.MAX_ZIP_ENTRIES.name());
                }
                String entry = e.getName();
                if (e.isDirectory() || entry.startsWith("__MACOSX/") || entry.contains("/.")) {
                    continue;
                }
                if (!entry.toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
                    throw new InvalidInputException(name + ": '" + Text.printable(entry) + "' is not a .png file");
                }
                byte[] png = zip.readNBytes((int) MAX_ENTRY_BYTES + 1);
                if (png.length > MAX_ENTRY_BYTES) {
                    throw new LimitExceededException(name + ": '" + Text.printable(entry) + "' unpacks to more than "
                            + (MAX_ENTRY_BYTES >> 20) + " MiB", dev.pfgm.shared.config.Settings.MAX_IMAGE_PIXELS.name());
                }
                unpacked += png.length;
                limits.checkUnpacked(name, unpacked, length);
                checkHeader(png, name, entry, limits);
                BufferedImage img;
                try {
                    img = ImageIO.read(new ByteArrayInputStream(png));
                } catch (IOException | RuntimeException ex) {
                    img = null;
                }
                if (img == null) {
                    throw new InvalidInputException(name + ": '" + Text.printable(entry) + "' is not a readable PNG image");
                }
                if (img.getColorModel().hasAlpha() && !opaque(img)) {
                    // dropping the alpha would train on whatever colour the transparent pixels hold
                    throw new InvalidInputException(name + ": '" + Text.printable(entry) + "' has transparent pixels;"
                            + " images are read as gray or RGB: flatten them onto a background first");
                }
                // by the file's own colour type: ImageIO gives 1-, 2- and 4-bit grayscale an RGB palette
                int channels = grayscale(png) ? 1 : 3;
                if (first == null) {
                    first = entry;
                    h = img.getHeight();
                    w = img.getWidth();
                    c = channels;
                } else if (img.getHeight() != h || img.getWidth() != w || channels != c) {
                    throw new InvalidInputException(name + ": '" + Text.printable(entry) + "' is " + img.getWidth() + "x"
                            + img.getHeight() + kind(channels) + " but '" + Text.printable(first) + "' is " + w + "x" + h
                            + kind(c) + "; all images must match");
                }
                count++;
                limits.checkValues(name, DataLimits.product(count, c, h, w), count + " images of " + c + "x" + h + "x" + w);
                if (keep && kept.put(entry, pixels(img, c, h, w)) != null) {
                    throw new InvalidInputException(name + ": '" + Text.printable(entry) + "' appears twice in the zip");
                }
            }
        } catch (IOException | IllegalArgumentException ex) {
            // a truncated or corrupt zip, or an entry name that is not UTF-8: the file's fault
            throw new InvalidInputException(name + ": not a readable zip file: " + ex);
        }
        if (count == 0) {
            throw new InvalidInputException(name + ": the zip holds no .png files");
        }
        return new Images(count, c, h, w, keep ? kept : null);
    }

    /** Width and height from the IHDR chunk, which the PNG format puts first. */
    private static void checkHeader(byte[] png, String name, String entry, DataLimits limits) {
        if (png.length < 24 || !java.util.Arrays.equals(png, 0, 8, PNG_MAGIC, 0, 8)
                || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R') {
            throw new InvalidInputException(name + ": '" + Text.printable(entry) + "' is not a readable PNG image");
        }
        long width = be32(png, 16);
        long height = be32(png, 20);
        limits.checkImage(name + ": '" + Text.printable(entry) + "'", width, height);
    }

    /** IHDR's colour type 0 (gray) or 4 (gray with alpha), at any bit depth. */
    private static boolean grayscale(byte[] png) {
        return png.length > 25 && (png[25] == 0 || png[25] == 4);
    }

    /** A gray sample of {@code bits} bits as 0..255: 16 bits keep their high byte, 1 to 4 bits are scaled up. */
    static int gray(int sample, int bits) {
        return bits >= 8 ? sample >> (bits - 8) : sample * 255 / ((1 << bits) - 1);
    }

    private static long be32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static float[] pixels(BufferedImage img, int c, int h, int w) {
        float[] px = new float[c * h * w];
        var raster = img.getRaster();
        int bits = raster.getSampleModel().getSampleSize(0);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (c == 1) {
                    px[y * w + x] = ImageSet.level(gray(raster.getSample(x, y, 0), bits));
                } else {
                    int rgb = img.getRGB(x, y);
                    px[y * w + x] = ImageSet.level((rgb >> 16) & 255);
                    px[h * w + y * w + x] = ImageSet.level((rgb >> 8) & 255);
                    px[2 * h * w + y * w + x] = ImageSet.level(rgb & 255);
                }
            }
        }
        return px;
    }

    /** Every pixel's alpha is full (a PNG saved with an alpha channel it does not use reads as it looks). */
    private static boolean opaque(BufferedImage img) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (img.getRGB(x, y) >>> 24 != 255) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String kind(int channels) {
        return channels == 1 ? " grayscale" : " RGB";
    }
}
