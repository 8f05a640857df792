package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * NumPy's .npy format, version 1 to 3: reads float32 or float64 arrays of shape [n, d] (or [n],
 * read as one column), C or Fortran order, either byte order; writes little-endian C-order float32.
 * Format reference: numpy.lib.format.
 */
public final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private NpyFile() {
    }

    /** A parsed array: its shape, its values as doubles in C order, and whether they were 8-bit integers. */
    public record Array(long[] shape, double[] values, boolean eightBit) {
    }

    /**
     * A checked header: dtype width and byte order, layout, shape, where the data start and how
     * many values follow. The file's length was found to be exactly the header and the data.
     */
    public record Header(long[] shape, boolean fortran, int width, ByteOrder order, long dataStart, long count,
                         boolean integer) {
        public boolean eightBit() {
            return width == 1;
        }
    }

    /** Receives an array's values in file order, each with its index in C order. */
    @FunctionalInterface
    public interface Values {
        void accept(long cIndex, double value);
    }

    public static Array parse(byte[] bytes, String name) {
        return parse(bytes, name, DataLimits.DEFAULT);
    }

    public static Array parse(byte[] bytes, String name, DataLimits limits) {
        try {
            return read(new java.io.ByteArrayInputStream(bytes), bytes.length, name, limits);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The whole array of a file {@code length} bytes long, checked against {@code limits} before allocating. */
    public static Array read(InputStream in, long length, String name, DataLimits limits) throws IOException {
        Header h = header(in, length, name, limits);
        if (h.fortran() && h.shape().length > 2) {
            throw new InvalidInputException(name + ": Fortran-ordered arrays of " + h.shape().length
                    + " dimensions are not supported; save it in C order (numpy.ascontiguousarray)");
        }
        double[] values = new double[(int) h.count()];
        values(in, h, (i, v) -> values[(int) i] = v);
        return new Array(h.shape(), values, h.eightBit());
    }

    /**
     * Reads and checks the header from {@code in} (positioned at the file's start): at most
     * {@value DataLimits#NPY_MAX_HEADER} bytes of it, parsed in one pass; the value count with
     * overflow-safe arithmetic against {@code limits}; and the file's {@code length} against the
     * header and data exactly (no bytes short, none after).
     */
    public static Header header(InputStream in, long length, String name, DataLimits limits) throws IOException {
        if (length == 0) {
            throw new InvalidInputException(name + ": file is empty");
        }
        byte[] pre = in.readNBytes(10);
        if (pre.length < 10 || !startsWithMagic(pre)) {
            throw new InvalidInputException(name + ": not a .npy file (missing the \\x93NUMPY magic)");
        }
        int major = pre[6] & 0xff;
        long headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = (pre[8] & 0xff) | (pre[9] & 0xff) << 8;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            byte[] more = in.readNBytes(2);
            if (more.length < 2) {
                throw new InvalidInputException(name + ": truncated .npy header");
            }
            headerLen = (pre[8] & 0xffL) | (pre[9] & 0xffL) << 8 | (more[0] & 0xffL) << 16 | (more[1] & 0xffL) << 24;
            headerStart = 12;
        } else {
            throw new InvalidInputException(name + ": unsupported .npy version " + major);
        }
        if (headerStart + headerLen > length) {
            throw new InvalidInputException(name + ": .npy header claims " + headerLen + " bytes but the file is shorter");
        }
        if (headerLen > DataLimits.NPY_MAX_HEADER) {
            throw new InvalidInputException(name + ": .npy header of " + headerLen + " bytes; numpy writes at most "
                    + DataLimits.NPY_MAX_HEADER);
        }
        byte[] raw = in.readNBytes((int) headerLen);
        if (raw.length < headerLen) {
            throw new InvalidInputException(name + ": truncated .npy header");
        }
        String text = new String(raw, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeaderText dict = NpyHeaderText.parse(text, name);

        ByteOrder order;
        int width;
        // signed integers too: numpy's default for np.arange and integer labels
        boolean integer = dict.descr().matches("[<>=|]i[48]");
        switch (dict.descr()) {
            case "<f4", "=f4", "|f4" -> { order = ByteOrder.LITTLE_ENDIAN; width = 4; }
            case ">f4" -> { order = ByteOrder.BIG_ENDIAN; width = 4; }
            case "<f8", "=f8", "|f8" -> { order = ByteOrder.LITTLE_ENDIAN; width = 8; }
            case ">f8" -> { order = ByteOrder.BIG_ENDIAN; width = 8; }
            case "|u1", "<u1", "=u1" -> { order = ByteOrder.LITTLE_ENDIAN; width = 1; }
            case "<i4", "=i4" -> { order = ByteOrder.LITTLE_ENDIAN; width = 4; }
            case ">i4" -> { order = ByteOrder.BIG_ENDIAN; width = 4; }
            case "<i8", "=i8" -> { order = ByteOrder.LITTLE_ENDIAN; width = 8; }
            case ">i8" -> { order = ByteOrder.BIG_ENDIAN; width = 8; }
            default -> throw new InvalidInputException(name + ": dtype '" + dict.descr()
                    + "' is not supported; use float32, float64, uint8, int32 or int64");
        }
        long[] shape = dict.shape();
        if (shape.length == 0) {
            throw new InvalidInputException(name + ": a scalar array (shape ()) is not a table; expected [n, d]");
        }
        long count = DataLimits.product(shape);
        limits.checkValues(name, count, "shape " + shapeText(shape));
        long dataStart = headerStart + headerLen;
        long need = count * width;
        if (length - dataStart < need) {
            throw new InvalidInputException(name + ": header says shape " + shapeText(shape) + " (" + need
                    + " bytes of data) but only " + (length - dataStart) + " bytes follow");
        }
        if (length - dataStart > need) {
            throw new InvalidInputException(name + ": " + (length - dataStart - need) + " bytes follow the "
                    + need + " bytes of data that shape " + shapeText(shape) + " holds");
        }
        return new Header(shape, dict.fortran(), width, order, dataStart, count, integer);
    }

    /** Streams the {@code h.count()} values after the header to {@code sink}, 64 KiB at a time. */
    public static void values(InputStream in, Header h, Values sink) throws IOException {
        long[] s = h.shape();
        long rows = s[0];
        long cols = s.length == 2 ? s[1] : 1;
        boolean transpose = h.fortran() && s.length == 2;
        byte[] buf = new byte[1 << 16];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(h.order());
        long i = 0;
        while (i < h.count()) {
            int want = (int) Math.min(buf.length / h.width(), h.count() - i) * h.width();
            int got = in.readNBytes(buf, 0, want);
            if (got < want) {
                throw new InvalidInputException("the .npy data end early");
            }
            for (int k = 0; k < want; k += h.width(), i++) {
                double v = h.width() == 1 ? buf[k] & 0xff : h.integer() ? (h.width() == 4 ? bb.getInt(k) : bb.getLong(k))
                        : h.width() == 4 ? bb.getFloat(k) : bb.getDouble(k);
                // Fortran order stores column after column: value i is row i % rows of column i / rows
                sink.accept(transpose ? (i % rows) * cols + i / rows : i, v);
            }
        }
    }

    /** Reads a table: shape [n, d], or [n] as one column. */
    public static Dataset readTable(byte[] bytes, String name, String sha256) {
        return table(parse(bytes, name), name, sha256);
    }

    /** A parsed array as a table: shape [n, d], or [n] as one column. */
    public static Dataset table(Array a, String name, String sha256) {
        long[] s = a.shape();
        if (s.length == 1) {
            return new Dataset(name, a.values(), (int) s[0], 1, sha256);
        }
        if (s.length != 2) {
            throw new InvalidInputException(name + ": shape " + shapeText(s) + " is not a table; expected [n, d]");
        }
        if (s[0] == 0) {
            throw new InvalidInputException(name + ": shape " + shapeText(s) + " has no rows");
        }
        if (s[1] == 0) {
            throw new InvalidInputException(name + ": shape " + shapeText(s) + " has no columns");
        }
        return new Dataset(name, a.values(), (int) s[0], (int) s[1], sha256);
    }

    /** Writes a C-order little-endian float32 array of shape [rows, cols]. */
    public static void writeFloat32(OutputStream out, float[] values, int rows, int cols) throws IOException {
        writeFloat32(out, values, new long[] {rows, cols});
    }

    /** float32 array of any shape (C order). */
    public static void writeFloat32(OutputStream out, float[] values, long[] shape) throws IOException {
        write(out, "<f4", shape, values.length, Float.BYTES, b -> b.asFloatBuffer().put(values));
    }

    /** float64 array of any shape (C order). */
    public static void writeFloat64(OutputStream out, double[] values, long[] shape) throws IOException {
        write(out, "<f8", shape, values.length, Double.BYTES, b -> b.asDoubleBuffer().put(values));
    }

    /** int32 array of any shape (C order). */
    public static void writeInt32(OutputStream out, int[] values, long[] shape) throws IOException {
        write(out, "<i4", shape, values.length, Integer.BYTES, b -> b.asIntBuffer().put(values));
    }

    /** uint8 array of any shape (C order): bytes read as 0..255. */
    public static void writeUint8(OutputStream out, byte[] values, long[] shape) throws IOException {
        checkCount(values.length, shape);
        write(out, "|u1", shape, values);
    }

    /** {@code count} values of {@code width} bytes each, put little-endian into the body by {@code fill}. */
    private static void write(OutputStream out, String descr, long[] shape, int count, int width,
            Consumer<ByteBuffer> fill) throws IOException {
        checkCount(count, shape);
        ByteBuffer body = ByteBuffer.allocate(Math.multiplyExact(count, width)).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(body);
        write(out, descr, shape, body.array());
    }

    private static void checkCount(int length, long[] shape) {
        long total = 1;
        for (long d : shape) {
            total *= d;
        }
        if (total != length) {
            throw new IllegalArgumentException("values has " + length + " entries, not " + java.util.Arrays.toString(shape));
        }
    }

    /** Version 1.0 header for {@code descr} and {@code shape}, then the data as given. */
    private static void write(OutputStream out, String descr, long[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        // "(3, 2,)": numpy reads the trailing comma, and a 1-D shape needs it
        String dimText = dims.toString().strip();
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dimText + "), }";
        // header padded with spaces so that data starts on a 64-byte boundary, ending in '\n'
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        StringBuilder header = new StringBuilder(dict);
        header.append(" ".repeat(pad)).append('\n');
        ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        head.put(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(head.array());
        out.write(data);
    }

    private static boolean startsWithMagic(byte[] b) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(']').toString();
    }
}
