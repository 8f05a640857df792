package dev.pfgm.shared.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** Builds the upload formats byte by byte, valid or deliberately not, for the parser tests. */
final class TestFiles {
    private TestFiles() {
    }

    /** A version 1.0 .npy with {@code dict} as its header text verbatim. */
    static byte[] npyRaw(String dict, byte[] data) {
        byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h).put(data);
        return b.array();
    }

    static byte[] npy(String descr, String shape, byte[] data) {
        return npyRaw("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }\n", data);
    }

    static byte[] floats(double... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putFloat((float) x);
        }
        return b.array();
    }

    static byte[] idx(long n, long h, long w, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + dataBytes);
        b.putInt(0x803).putInt((int) n).putInt((int) h).putInt((int) w);
        return b.array();
    }

    static byte[] gzip(byte[] head, long zerosAfter) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
                gz.write(head);
                byte[] zeros = new byte[1 << 20];
                for (long left = zerosAfter; left > 0; left -= zeros.length) {
                    gz.write(zeros, 0, (int) Math.min(zeros.length, left));
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] png(int w, int h, int type) {
        try {
            BufferedImage img = new BufferedImage(w, h, type);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    img.setRGB(x, y, (x * 37 + y * 91) * 0x010101 & 0xffffff);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code png} with its header (IHDR) claiming another size, its checksum recomputed. */
    static byte[] pngClaiming(byte[] png, long w, long h) {
        byte[] p = png.clone();
        ByteBuffer b = ByteBuffer.wrap(p);
        b.putInt(16, (int) w).putInt(20, (int) h);
        CRC32 crc = new CRC32();
        crc.update(p, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return p;
    }

    /** A zip of named entries, each {@code data[i]} (or {@code zeros} bytes of zeros when data is null). */
    static byte[] zip(String[] names, byte[][] data, long zeros) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                for (int i = 0; i < names.length; i++) {
                    z.putNextEntry(new ZipEntry(names[i]));
                    if (data != null) {
                        z.write(data[i]);
                    } else {
                        byte[] block = new byte[1 << 20];
                        for (long left = zeros; left > 0; left -= block.length) {
                            z.write(block, 0, (int) Math.min(block.length, left));
                        }
                    }
                    z.closeEntry();
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
