package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * MNIST-style IDX files: unsigned-byte images (magic 0x00000803, [n, h, w]) and labels
 * (0x00000801, [n]), each optionally gzipped. The header's sizes are checked against the limits
 * with overflow-safe arithmetic before anything is allocated, and the (unpacked) file must be
 * exactly the header and the data: reading stops one byte past them.
 */
public final class IdxFile {
    private static final int UBYTE_IMAGES = 0x00000803;
    private static final int UBYTE_LABELS = 0x00000801;

    private IdxFile() {
    }

    /** Images of a file's bytes, with labels from another file's bytes (may be null). */
    public static ImageSet readImages(byte[] raw, String name, byte[] labelsRaw, String labelsName) {
        try {
            Scan s = scan(new ByteArrayInputStream(raw), raw.length, name, DataLimits.DEFAULT, true);
            int[] labels = labelsRaw == null ? null : readLabels(labelsRaw, labelsName, s.count());
            return new ImageSet(name, s.pixels(), s.count(), 1, s.height(), s.width(), true, labels,
                    DataFiles.sha256(raw));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Images of a file, checked against {@code limits}. */
    public static ImageSet readImages(Path file, String name, DataLimits limits, String sha256) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Scan s = scan(in, Files.size(file), name, limits, true);
            return new ImageSet(name, s.pixels(), s.count(), 1, s.height(), s.width(), true, null, sha256);
        }
    }

    /** An image file's count and size, read through without keeping the pixels. */
    public static Scan inspect(InputStream in, long length, String name, DataLimits limits) throws IOException {
        return scan(in, length, name, limits, false);
    }

    /** What an images file holds; {@code pixels} only when they were kept. */
    public record Scan(int count, int height, int width, float[] pixels) {
    }

    /** The first {@code n} images of a file checked before (a dataset's thumbnails): the rest is not read. */
    public static ImageSet first(Path file, int n, String name, DataLimits limits) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Scan s = scan(in, Files.size(file), name, limits, true, n);
            return new ImageSet(name, s.pixels(), s.count(), 1, s.height(), s.width(), true, null, "");
        }
    }

    private static Scan scan(InputStream raw, long length, String name, DataLimits limits, boolean keep)
            throws IOException {
        return scan(raw, length, name, limits, keep, Integer.MAX_VALUE);
    }

    /** {@code stopAfter}: images to read at most; fewer than the header's skip the check of the file's end. */
    private static Scan scan(InputStream raw, long length, String name, DataLimits limits, boolean keep, int stopAfter)
            throws IOException {
        InputStream b = unpacked(raw, length, name, limits);
        byte[] head = b.readNBytes(16);
        expectMagic(head, name, UBYTE_IMAGES, "images");
        long n = unsigned(header(head, name, 4));
        long h = unsigned(header(head, name, 8));
        long w = unsigned(header(head, name, 12));
        if (n < 1 || h < 1 || w < 1) {
            throw new InvalidInputException(name + ": IDX header says " + n + " images of " + h + "x" + w);
        }
        limits.checkImage(name, w, h);
        long need = DataLimits.product(n, h, w);
        limits.checkValues(name, need, n + " images of " + h + "x" + w);
        boolean partial = n > stopAfter;
        if (partial) {
            n = stopAfter;
            need = n * h * w;
        }
        float[] px = keep ? new float[(int) need] : null;
        byte[] buf = new byte[1 << 16];
        long done = 0;
        while (done < need) {
            int got = b.readNBytes(buf, 0, (int) Math.min(buf.length, need - done));
            if (got == 0) {
                throw new InvalidInputException(name + ": IDX header claims " + n + " images of " + h + "x" + w + " ("
                        + need + " bytes) but only " + done + " bytes follow");
            }
            if (keep) {
                for (int i = 0; i < got; i++) {
                    px[(int) done + i] = ImageSet.level(buf[i] & 0xff);
                }
            }
            done += got;
        }
        if (!partial && b.read() != -1) {
            throw new InvalidInputException(name + ": bytes follow the " + need + " bytes of pixels the IDX header"
                    + " declares");
        }
        return new Scan((int) n, (int) h, (int) w, px);
    }

    public static int[] readLabels(byte[] raw, String name, int expected) {
        try {
            // a labels file is 8 bytes of header and a byte a label
            InputStream b = unpacked(new ByteArrayInputStream(raw), raw.length, name, DataLimits.DEFAULT);
            byte[] head = b.readNBytes(8);
            expectMagic(head, name, UBYTE_LABELS, "labels");
            long n = unsigned(header(head, name, 4));
            if (n != expected) {
                throw new InvalidInputException(name + ": " + n + " labels for " + expected + " images");
            }
            byte[] data = b.readNBytes(expected);
            if (data.length < n) {
                throw new InvalidInputException(name + ": IDX header claims " + n + " labels but only " + data.length
                        + " bytes follow");
            }
            if (b.read() != -1) {
                throw new InvalidInputException(name + ": bytes follow the " + n + " labels the IDX header declares");
            }
            int[] labels = new int[(int) n];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = data[i] & 0xff;
            }
            return labels;
        } catch (IOException e) {
            throw new InvalidInputException(name + ": not a readable gzip file: " + e.getMessage());
        }
    }

    private static void expectMagic(byte[] head, String name, int expected, String kind) {
        int magic = header(head, name, 0);
        if (magic != expected) {
            throw new InvalidInputException(name + ": IDX magic is 0x" + String.format("%08x", magic)
                    + "; unsigned-byte " + kind + " have 0x" + String.format("%08x", expected));
        }
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

    /** The stream, gunzipped when it is gzip, with the unpacked size held to {@code limits}. */
    static InputStream unpacked(InputStream raw, long length, String name, DataLimits limits) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 != 0x1f || b1 != 0x8b) {
            return in;
        }
        try {
            return new Unpacked(new GZIPInputStream(in, 1 << 16), name, length, limits);
        } catch (IOException e) {
            throw new InvalidInputException(name + ": not a readable gzip file: " + e.getMessage());
        }
    }

    /** Counts unpacked bytes against the limits; a corrupt stream is the file's fault, so invalid input. */
    private static final class Unpacked extends java.io.FilterInputStream {
        private final String name;
        private final long packed;
        private final DataLimits limits;
        private long count;

        Unpacked(InputStream in, String name, long packed, DataLimits limits) {
            super(in);
            this.name = name;
            this.packed = packed;
            this.limits = limits;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                throw new InvalidInputException(name + ": not a readable gzip file: " + e.getMessage());
            }
            if (n > 0) {
                count += n;
                limits.checkUnpacked(name, count, packed);
            }
            return n;
        }
    }
}
