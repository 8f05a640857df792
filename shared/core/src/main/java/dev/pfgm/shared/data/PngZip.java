package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;

/**
 * A .zip of same-size PNG files, grayscale or RGB, read in name order. All images must have the
 * same size and kind; the first that differs, or does not decode, is named in the error.
 */
public final class PngZip {
    private PngZip() {
    }

    public static ImageSet read(byte[] bytes, String name) {
        Map<String, byte[]> files = new TreeMap<>(Comparator.naturalOrder());
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String entry = e.getName();
                if (e.isDirectory() || entry.startsWith("__MACOSX/") || entry.contains("/.")) {
                    continue;
                }
                if (!entry.toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
                    throw new InvalidInputException(name + ": '" + entry + "' is not a .png file");
                }
                files.put(entry, zip.readAllBytes());
            }
        } catch (IOException ex) {
            throw new InvalidInputException(name + ": not a readable zip file: " + ex.getMessage());
        }
        if (files.isEmpty()) {
            throw new InvalidInputException(name + ": the zip holds no .png files");
        }
        List<float[]> images = new ArrayList<>();
        int h = -1;
        int w = -1;
        int c = -1;
        String first = null;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            BufferedImage img;
            try {
                img = ImageIO.read(new ByteArrayInputStream(f.getValue()));
            } catch (IOException | RuntimeException ex) {
                img = null;
            }
            if (img == null) {
                throw new InvalidInputException(name + ": '" + f.getKey() + "' is not a readable PNG image");
            }
            boolean gray = img.getColorModel().getNumColorComponents() == 1;
            int channels = gray ? 1 : 3;
            if (first == null) {
                first = f.getKey();
                h = img.getHeight();
                w = img.getWidth();
                c = channels;
            } else if (img.getHeight() != h || img.getWidth() != w || channels != c) {
                throw new InvalidInputException(name + ": '" + f.getKey() + "' is " + img.getWidth() + "x"
                        + img.getHeight() + (channels == 1 ? " grayscale" : " RGB") + " but '" + first + "' is " + w + "x"
                        + h + (c == 1 ? " grayscale" : " RGB") + "; all images must match");
            }
            float[] px = new float[c * h * w];
            var raster = img.getRaster();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (c == 1) {
                        px[y * w + x] = ImageSet.level(raster.getSample(x, y, 0) >> (raster.getSampleModel()
                                .getSampleSize(0) - 8));
                    } else {
                        int rgb = img.getRGB(x, y);
                        px[y * w + x] = ImageSet.level((rgb >> 16) & 255);
                        px[h * w + y * w + x] = ImageSet.level((rgb >> 8) & 255);
                        px[2 * h * w + y * w + x] = ImageSet.level(rgb & 255);
                    }
                }
            }
            images.add(px);
        }
        float[] all = new float[images.size() * c * h * w];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, all, i * c * h * w, c * h * w);
        }
        return new ImageSet(name, all, images.size(), c, h, w, true, null, DataFiles.sha256(bytes));
    }
}
