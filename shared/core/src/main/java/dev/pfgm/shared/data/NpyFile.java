package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's .npy format, version 1 to 3: reads float32 or float64 arrays of shape [n, d] (or [n],
 * read as one column), C or Fortran order, either byte order; writes little-endian C-order float32.
 * Format reference: numpy.lib.format.
 */
public final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFile() {
    }

    /** A parsed array: its shape, its values as doubles in C order, and whether they were 8-bit integers. */
    public record Array(long[] shape, double[] values, boolean eightBit) {
    }

    public static Array parse(byte[] bytes, String name) {
        if (bytes.length == 0) {
            throw new InvalidInputException(name + ": file is empty");
        }
        if (bytes.length < 10 || !startsWithMagic(bytes)) {
            throw new InvalidInputException(name + ": not a .npy file (missing the \\x93NUMPY magic)");
        }
        int major = bytes[6] & 0xff;
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = in.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new InvalidInputException(name + ": truncated .npy header");
            }
            headerLen = in.getInt(8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw new InvalidInputException(name + ": unsupported .npy version " + major);
        }
        if (headerStart + headerLen > bytes.length) {
            throw new InvalidInputException(name + ": .npy header claims " + headerLen + " bytes but the file is shorter");
        }
        String header = new String(bytes, headerStart, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = find(DESCR, header, name, "descr");
        boolean fortran = "True".equals(find(FORTRAN, header, name, "fortran_order"));
        long[] shape = parseShape(find(SHAPE, header, name, "shape"), name);

        ByteOrder order;
        int width;
        switch (descr) {
            case "<f4", "=f4", "|f4" -> { order = ByteOrder.LITTLE_ENDIAN; width = 4; }
            case ">f4" -> { order = ByteOrder.BIG_ENDIAN; width = 4; }
            case "<f8", "=f8", "|f8" -> { order = ByteOrder.LITTLE_ENDIAN; width = 8; }
            case ">f8" -> { order = ByteOrder.BIG_ENDIAN; width = 8; }
            case "|u1", "<u1", "=u1" -> { order = ByteOrder.LITTLE_ENDIAN; width = 1; }
            default -> throw new InvalidInputException(name + ": dtype '" + descr
                    + "' is not supported; use float32, float64 or uint8");
        }
        long count = 1;
        for (long s : shape) {
            count = Math.multiplyExact(count, s);
        }
        long dataStart = headerStart + headerLen;
        long need = count * width;
        if (bytes.length - dataStart < need) {
            throw new InvalidInputException(name + ": header says shape " + shapeText(shape) + " ("
                    + need + " bytes of data) but only " + (bytes.length - dataStart) + " bytes follow");
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException(name + ": array of " + count + " values is too large");
        }
        double[] values = new double[(int) count];
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) dataStart, (int) need).slice().order(order);
        if (width == 1) {
            for (int i = 0; i < values.length; i++) {
                values[i] = data.get(i) & 0xff;
            }
        } else if (width == 4) {
            for (int i = 0; i < values.length; i++) {
                values[i] = data.getFloat(i * 4);
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                values[i] = data.getDouble(i * 8);
            }
        }
        if (fortran && shape.length == 2) {
            values = transposeFromFortran(values, (int) shape[0], (int) shape[1]);
        }
        if (fortran && shape.length > 2) {
            throw new InvalidInputException(name + ": Fortran-ordered arrays of " + shape.length
                    + " dimensions are not supported; save it in C order (numpy.ascontiguousarray)");
        }
        return new Array(shape, values, width == 1);
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
        checkCount(values.length, shape);
        ByteBuffer body = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(values);
        write(out, "<f4", shape, body.array());
    }

    /** float64 array of any shape (C order). */
    public static void writeFloat64(OutputStream out, double[] values, long[] shape) throws IOException {
        checkCount(values.length, shape);
        ByteBuffer body = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        body.asDoubleBuffer().put(values);
        write(out, "<f8", shape, body.array());
    }

    /** int32 array of any shape (C order). */
    public static void writeInt32(OutputStream out, int[] values, long[] shape) throws IOException {
        checkCount(values.length, shape);
        ByteBuffer body = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.asIntBuffer().put(values);
        write(out, "<i4", shape, body.array());
    }

    /** uint8 array of any shape (C order): bytes read as 0..255. */
    public static void writeUint8(OutputStream out, byte[] values, long[] shape) throws IOException {
        checkCount(values.length, shape);
        write(out, "|u1", shape, values);
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

    private static String find(Pattern p, String header, String name, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new InvalidInputException(name + ": .npy header has no readable '" + key + "' entry");
        }
        return m.group(1);
    }

    private static long[] parseShape(String text, String name) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new InvalidInputException(name + ": a scalar array (shape ()) is not a table; expected [n, d]");
        }
        String[] parts = t.split(",");
        int k = 0;
        long[] shape = new long[parts.length];
        for (String p : parts) {
            String q = p.trim();
            if (q.isEmpty()) {
                continue;
            }
            try {
                shape[k++] = Long.parseLong(q.endsWith("L") ? q.substring(0, q.length() - 1) : q);
            } catch (NumberFormatException e) {
                throw new InvalidInputException(name + ": .npy shape '(" + text + ")' is not readable");
            }
        }
        long[] out = new long[k];
        System.arraycopy(shape, 0, out, 0, k);
        for (long s : out) {
            if (s < 0) {
                throw new InvalidInputException(name + ": .npy shape '(" + text + ")' has a negative size");
            }
        }
        return out;
    }

    static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(']').toString();
    }

    private static double[] transposeFromFortran(double[] v, int rows, int cols) {
        double[] c = new double[v.length];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                c[i * cols + j] = v[j * rows + i];
            }
        }
        return c;
    }
}
