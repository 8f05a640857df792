package dev.pfgm.shared.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageFormatsTest {
    static byte[] idxImages(int n, int h, int w, int claimed) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * h * w);
        b.putInt(0x00000803).putInt(claimed).putInt(h).putInt(w);
        for (int i = 0; i < n * h * w; i++) {
            b.put((byte) (i % 256));
        }
        return b.array();
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void idxImagesAndLabelsGzippedOrNot() throws IOException {
        byte[] raw = idxImages(3, 4, 5, 3);
        byte[] labels = ByteBuffer.allocate(11).putInt(0x00000801).putInt(3).put(new byte[] {7, 0, 9}).array();
        for (byte[] images : new byte[][] {raw, gzip(raw)}) {
            ImageSet s = IdxFile.readImages(images, "train-images", gzip(labels), "train-labels");
            assertEquals(3, s.count());
            assertEquals(1, s.channels());
            assertEquals(4, s.height());
            assertEquals(5, s.width());
            assertEquals(-1f, s.pixels()[0]);
            assertEquals(ImageSet.level(59), s.pixels()[59], 1e-6);
            assertTrue(s.eightBit());
            assertArrayEquals(new int[] {7, 0, 9}, s.labels());
        }
    }

    @Test
    void idxRefusesWrongMagicAndShortData() {
        byte[] wrong = idxImages(2, 3, 3, 2);
        wrong[3] = 0x01;
        var e1 = assertThrows(InvalidInputException.class, () -> IdxFile.readImages(wrong, "x", null, null));
        assertTrue(e1.getMessage().contains("0x00000803"), e1.getMessage());
        var e2 = assertThrows(InvalidInputException.class,
                () -> IdxFile.readImages(idxImages(2, 3, 3, 5), "x", null, null));
        assertTrue(e2.getMessage().contains("claims 5 images"), e2.getMessage());
        assertThrows(InvalidInputException.class, () -> IdxFile.readImages(new byte[5], "x", null, null));
    }

    static byte[] npy(String descr, String shape, byte[] data) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = 16 - (10 + header.length() + 1) % 16;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    @Test
    void npyImagesInEveryLayout() {
        // 2 images, 2 channels-of-interest: pixel value = 100 * channel + position
        byte[] nchw = new byte[2 * 3 * 2 * 2];
        byte[] nhwc = new byte[2 * 2 * 2 * 3];
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 4; p++) {
                    nchw[(i * 3 + c) * 4 + p] = (byte) (60 * c + p + i);
                    nhwc[(i * 4 + p) * 3 + c] = (byte) (60 * c + p + i);
                }
            }
        }
        ImageSet a = ImageNpy.read(npy("|u1", "(2, 3, 2, 2)", nchw), "a");
        ImageSet b = ImageNpy.read(npy("|u1", "(2, 2, 2, 3)", nhwc), "b");
        assertEquals(3, a.channels());
        assertEquals(3, b.channels());
        assertArrayEquals(a.pixels(), b.pixels());
        assertEquals(ImageSet.level(60 + 1), a.pixels()[4 + 1], 1e-6);

        ByteBuffer f = ByteBuffer.allocate(2 * 4 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 8; i++) {
            f.putFloat(i / 7f);
        }
        ImageSet unit = ImageNpy.read(npy("<f4", "(2, 2, 2)", f.array()), "unit");
        assertEquals(-1f, unit.pixels()[0], 1e-6);
        assertEquals(1f, unit.pixels()[7], 1e-6);
        assertEquals(false, unit.eightBit());

        var e = assertThrows(InvalidInputException.class, () -> ImageNpy.read(npy("<f4", "(2, 4)", new byte[32]), "t"));
        assertTrue(e.getMessage().contains("not images"), e.getMessage());
    }

    static byte[] png(int w, int h, int type, int seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (x * 40 + y * 7 + seed) % 256;
                img.setRGB(x, y, (v << 16) | (((v + 50) % 256) << 8) | ((v + 100) % 256));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static byte[] zip(String[] names, byte[][] files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < names.length; i++) {
                z.putNextEntry(new ZipEntry(names[i]));
                z.write(files[i]);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /**
     * Grayscale PNGs of 1, 2 and 4 bits (ImageIO reads them with an RGB palette): one channel, each
     * level scaled to 0..255, and mixable with 8-bit gray ones.
     */
    @Test
    void lowBitGrayscalePngsAreOneChannel() throws IOException {
        for (int bits : new int[] {1, 2, 4}) {
            int top = (1 << bits) - 1;
            int[] levels = {0, top, top / 2, 1, 1, top / 2, top, 0};
            ImageSet set = PngZip.read(zip(new String[] {"a.png", "b.png"}, new byte[][] {
                grayPng(bits, levels), png(8, 8, BufferedImage.TYPE_BYTE_GRAY, 3)}), bits + ".zip");
            assertEquals(1, set.channels(), bits + " bits");
            for (int i = 0; i < 64; i++) {
                assertEquals(ImageSet.level(levels[i % 8] * 255 / top), set.pixels()[i], 1e-6, bits + " bits, pixel " + i);
            }
        }
    }

    /**
     * An 8 x 8 grayscale PNG of {@code bits} bits per pixel, written by hand (colour type 0): each
     * row the eight {@code levels}.
     */
    static byte[] grayPng(int bits, int[] levels) throws IOException {
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        for (int y = 0; y < 8; y++) {
            rows.write(0); // filter: none
            int acc = 0;
            int used = 0;
            for (int v : levels) {
                acc = (acc << bits) | v;
                used += bits;
                if (used == 8) {
                    rows.write(acc);
                    acc = 0;
                    used = 0;
                }
            }
            if (used > 0) {
                rows.write(acc << (8 - used));
            }
        }
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (var z = new java.util.zip.DeflaterOutputStream(idat)) {
            z.write(rows.toByteArray());
        }
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(levels.length).putInt(8).put((byte) bits).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void pngZipGrayAndRgb() throws IOException {
        ImageSet gray = PngZip.read(zip(new String[] {"b.png", "a.png"}, new byte[][] {
            png(6, 4, BufferedImage.TYPE_BYTE_GRAY, 1), png(6, 4, BufferedImage.TYPE_BYTE_GRAY, 2)}), "g.zip");
        assertEquals(2, gray.count());
        assertEquals(1, gray.channels());
        assertEquals(4, gray.height());
        assertEquals(6, gray.width());
        ImageSet rgb = PngZip.read(zip(new String[] {"x.png"}, new byte[][] {png(5, 5, BufferedImage.TYPE_INT_RGB, 0)}),
                "c.zip");
        assertEquals(3, rgb.channels());
        assertEquals(ImageSet.level(0), rgb.pixels()[0], 1e-6);
        assertEquals(ImageSet.level(50), rgb.pixels()[25], 1e-6);
        assertEquals(ImageSet.level(100), rgb.pixels()[50], 1e-6);
    }

    /** An alpha channel every pixel of which is full reads as RGB; a transparent pixel is refused, not dropped. */
    @Test
    void pngZipReadsOpaqueAlphaAndRefusesTransparency() throws IOException {
        BufferedImage opaque = new BufferedImage(5, 5, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                opaque.setRGB(x, y, 0xFF000000 | (x * 40 + y * 7) << 16 | 77 << 8 | 9);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(opaque, "png", out);
        ImageSet read = PngZip.read(zip(new String[] {"o.png"}, new byte[][] {out.toByteArray()}), "o.zip");
        assertEquals(3, read.channels());
        assertEquals(ImageSet.level(47), read.pixels()[6], 1e-6);
        assertEquals(ImageSet.level(77), read.pixels()[25 + 6], 1e-6);
        opaque.setRGB(2, 3, 0x80FFFFFF);
        out.reset();
        ImageIO.write(opaque, "png", out);
        byte[] halfSeen = out.toByteArray();
        var e = assertThrows(InvalidInputException.class,
                () -> PngZip.read(zip(new String[] {"t.png"}, new byte[][] {halfSeen}), "t.zip"));
        assertTrue(e.getMessage().contains("'t.png' has transparent pixels"), e.getMessage());
    }

    @Test
    void pngZipRefusesMixedSizesAndCorruptFiles() throws IOException {
        var mixed = assertThrows(InvalidInputException.class, () -> PngZip.read(zip(new String[] {"a.png", "b.png"},
                new byte[][] {png(6, 4, BufferedImage.TYPE_BYTE_GRAY, 1), png(5, 4, BufferedImage.TYPE_BYTE_GRAY, 1)}),
                "m.zip"));
        assertTrue(mixed.getMessage().contains("'b.png' is 5x4"), mixed.getMessage());
        var corrupt = assertThrows(InvalidInputException.class, () -> PngZip.read(zip(new String[] {"a.png"},
                new byte[][] {"not a png".getBytes(java.nio.charset.StandardCharsets.UTF_8)}), "c.zip"));
        assertTrue(corrupt.getMessage().contains("'a.png' is not a readable PNG"), corrupt.getMessage());
        var text = assertThrows(InvalidInputException.class,
                () -> PngZip.read("plain text".getBytes(java.nio.charset.StandardCharsets.UTF_8), "t.zip"));
        assertTrue(text.getMessage().contains("t.zip: not a zip file"), text.getMessage());
        var empty = assertThrows(InvalidInputException.class, () -> PngZip.read(zip(new String[0], new byte[0][]), "e.zip"));
        assertTrue(empty.getMessage().contains("e.zip: the zip holds no .png files"), empty.getMessage());
    }

    @Test
    void proceduralDiscsAreMeasuredBack() {
        ImageSet s = ProceduralImages.discs(200, 16, 2, 4, 3);
        double maxCentreError = 0;
        double maxRadiusError = 0;
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < s.count(); i++) {
            double r = 2 + rng.nextDouble() * 2;
            double cx = 4 + rng.nextDouble() * (16 - 1 - 8);
            double cy = 4 + rng.nextDouble() * (16 - 1 - 8);
            ProceduralImages.Disc d = ProceduralImages.measure(s.pixels(), i * 256, 16);
            maxCentreError = Math.max(maxCentreError, Math.hypot(d.cx() - cx, d.cy() - cy));
            maxRadiusError = Math.max(maxRadiusError, Math.abs(d.r() - r));
        }
        assertTrue(maxCentreError < 0.1, "centre error " + maxCentreError);
        assertTrue(maxRadiusError < 0.1, "radius error " + maxRadiusError);
    }
}
