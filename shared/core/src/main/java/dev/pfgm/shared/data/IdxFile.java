package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/**
 * MNIST-style IDX files: unsigned-byte images (magic 0x00000803, [n, h, w]) and labels
 * (0x00000801, [n]), each optionally gzipped. Sizes in the header are checked against the bytes
 * that follow.
 */
public final class IdxFile {
    private static final int UBYTE_IMAGES = 0x00000803;
    private static final int UBYTE_LABELS = 0x00000801;
    /** Gunzipped files larger than this are refused, so a small bomb cannot fill the heap. */
    private static final long MAX_BYTES = 1L << 31;

    private IdxFile() {
    }

    public static ImageSet readImages(byte[] raw, String name, byte[] labelsRaw, String labelsName) {
        byte[] b = gunzipIfNeeded(raw, name);
        int magic = header(b, name, 0);
        if (magic != UBYTE_IMAGES) {
            throw new InvalidInputException(name + ": IDX magic is 0x" + String.format("%08x", magic)
                    + "; unsigned-byte images have 0x00000803");
        }
        long n = unsigned(header(b, name, 4));
        long h = unsigned(header(b, name, 8));
        long w = unsigned(header(b, name, 12));
        long need = n * h * w;
        if (n < 1 || h < 1 || w < 1) {
            throw new InvalidInputException(name + ": IDX header says " + n + " images of " + h + "x" + w);
        }
        if (b.length - 16L < need) {
            throw new InvalidInputException(name + ": IDX header claims " + n + " images of " + h + "x" + w + " ("
                    + need + " bytes) but only " + (b.length - 16) + " bytes follow");
        }
        float[] px = new float[(int) need];
        for (int i = 0; i < px.length; i++) {
            px[i] = ImageSet.level(b[16 + i] & 0xff);
        }
        int[] labels = labelsRaw == null ? null : readLabels(labelsRaw, labelsName, (int) n);
        return new ImageSet(name, px, (int) n, 1, (int) h, (int) w, true, labels, DataFiles.sha256(raw));
    }

    public static int[] readLabels(byte[] raw, String name, int expected) {
        // a labels file is 8 bytes of header and a byte a label: more once gunzipped is refused unread
        byte[] b = gunzipIfNeeded(raw, name, 8L + expected);
        int magic = header(b, name, 0);
        if (magic != UBYTE_LABELS) {
            throw new InvalidInputException(name + ": IDX magic is 0x" + String.format("%08x", magic)
                    + "; unsigned-byte labels have 0x00000801");
        }
        long n = unsigned(header(b, name, 4));
        if (n != expected) {
            throw new InvalidInputException(name + ": " + n + " labels for " + expected + " images");
        }
        if (b.length - 8L < n) {
            throw new InvalidInputException(name + ": IDX header claims " + n + " labels but only " + (b.length - 8)
                    + " bytes follow");
        }
        int[] labels = new int[(int) n];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = b[8 + i] & 0xff;
        }
        return labels;
    }

    private static int header(byte[] b, String name, int at) {
        if (b.length < at + 4) {
            throw new InvalidInputException(name + ": " + b.length + " bytes is too short for an IDX header");
        }
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static long unsigned(int v) {
        return v & 0xffffffffL;
    }

    static byte[] gunzipIfNeeded(byte[] b, String name) {
        return gunzipIfNeeded(b, name, MAX_BYTES);
    }

    /** The bytes, gunzipped when they are gzip; refuses more than {@code limit} bytes once gunzipped. */
    static byte[] gunzipIfNeeded(byte[] b, String name, long limit) {
        if (b.length < 2 || (b[0] & 0xff) != 0x1f || (b[1] & 0xff) != 0x8b) {
            return b;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, Math.min(limit, MAX_BYTES)));
            if (in.read() != -1) {
                throw new InvalidInputException(name + ": more than " + Math.min(limit, MAX_BYTES)
                        + " bytes once gunzipped");
            }
            return out;
        } catch (IOException e) {
            throw new InvalidInputException(name + ": not a readable gzip file: " + e.getMessage());
        }
    }
}
