package dev.pfgm.shared.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NpyFileTest {
    /** A .npy file as NumPy writes it (version 1, header padded to 64 bytes). */
    static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': ("
                + shape + "), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    static byte[] doubles(ByteOrder order, double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(order);
        for (double d : v) {
            b.putDouble(d);
        }
        return b.array();
    }

    @Test
    void writtenFloat32RoundTrips() throws IOException {
        float[] v = {1.5f, -2f, 3.25f, 0f, 7f, -1e-3f};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpyFile.writeFloat32(out, v, 3, 2);
        byte[] bytes = out.toByteArray();
        assertEquals(0, (bytes.length - v.length * 4) % 64, "data starts on a 64-byte boundary");
        Dataset d = NpyFile.readTable(bytes, "t.npy", "x");
        assertEquals(3, d.count());
        assertEquals(2, d.dim());
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[i], d.values()[i], 0);
        }
    }

    /** Each writer's bytes are what {@link #npy} builds as NumPy would: header, then little-endian values. */
    @Test
    void everyWriterWritesNumpysBytes() throws IOException {
        ByteArrayOutputStream f8 = new ByteArrayOutputStream();
        NpyFile.writeFloat64(f8, new double[] {1, -2.5, 3}, new long[] {3});
        assertArrayEquals(npy("<f8", false, "3,", doubles(ByteOrder.LITTLE_ENDIAN, 1, -2.5, 3)), f8.toByteArray());

        ByteArrayOutputStream i4 = new ByteArrayOutputStream();
        NpyFile.writeInt32(i4, new int[] {1, -2, 70000, 0}, new long[] {2, 2});
        byte[] ints = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(-2).putInt(70000).putInt(0)
                .array();
        assertArrayEquals(npy("<i4", false, "2, 2,", ints), i4.toByteArray());

        ByteArrayOutputStream u1 = new ByteArrayOutputStream();
        NpyFile.writeUint8(u1, new byte[] {0, (byte) 255, 7}, new long[] {1, 3});
        assertArrayEquals(npy("|u1", false, "1, 3,", new byte[] {0, (byte) 255, 7}), u1.toByteArray());

        assertThrows(IllegalArgumentException.class,
                () -> NpyFile.writeInt32(new ByteArrayOutputStream(), new int[] {1, 2, 3}, new long[] {2, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> NpyFile.writeUint8(new ByteArrayOutputStream(), new byte[] {1, 2, 3}, new long[] {2, 2}));
    }

    @Test
    void readsFloat64BigEndianAndFortranOrder() {
        byte[] be = npy(">f8", false, "2, 2", doubles(ByteOrder.BIG_ENDIAN, 1, 2, 3, 4));
        assertArrayEquals(new double[] {1, 2, 3, 4}, NpyFile.readTable(be, "be", "x").values(), 0);
        byte[] f = npy("<f8", true, "2, 3", doubles(ByteOrder.LITTLE_ENDIAN, 1, 4, 2, 5, 3, 6));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, NpyFile.readTable(f, "f", "x").values(), 0);
        byte[] oneD = npy("<f8", false, "3,", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3));
        Dataset d = NpyFile.readTable(oneD, "v", "x");
        assertEquals(1, d.dim());
        assertEquals(3, d.count());
    }

    /** Signed 32- and 64-bit integers (np.arange's dtype, integer labels) in either byte order. */
    @Test
    void readsSignedIntegers() {
        ByteBuffer i8 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(-3).putLong(0)
                .putLong(1L << 40);
        Dataset d = NpyFile.readTable(npy("<i8", false, "3,", i8.array()), "i8", "");
        assertArrayEquals(new double[] {-3, 0, 1L << 40}, d.values());
        ByteBuffer i4 = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(7).putInt(-2);
        assertArrayEquals(new double[] {7, -2}, NpyFile.readTable(npy(">i4", false, "2,", i4.array()), "i4", "").values());
    }

    @Test
    void refusesWhatItCannotUseWithTheReason() {
        assertMessage(new byte[0], "empty");
        assertMessage("hello".getBytes(StandardCharsets.UTF_8), "not a .npy file");
        assertMessage(npy("<i2", false, "2, 2", new byte[8]), "dtype '<i2'");
        assertMessage(npy("<u4", false, "2, 2", new byte[16]), "dtype '<u4'");
        assertMessage(npy("<f8", false, "2, 2", new byte[16]), "only 16 bytes follow");
        assertMessage(npy("<f8", false, "2, 2, 2", new byte[64]), "not a table");
        assertMessage(npy("<f8", false, "0, 2", new byte[0]), "no rows");
        assertMessage(npy("<f8", false, "2, 1", doubles(ByteOrder.LITTLE_ENDIAN, 1, Double.NaN)), "row 1, column 0 is NaN");
        assertMessage(npy("<f8", false, "1, 1", doubles(ByteOrder.LITTLE_ENDIAN, Double.POSITIVE_INFINITY)), "Infinity");
        byte[] junk = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) 0xff, (byte) 0xff, '{', 'j'};
        assertMessage(junk, "header claims");
    }

    /**
     * Version 2 and 3 headers give their length in four bytes: a small one reads as version 1's does,
     * and one whose upper bytes are set is refused by its size, not read as a short header.
     */
    @Test
    void readsVersionTwoHeadersByAllFourLengthBytes() {
        byte[] v1 = npy("<f8", false, "2, 1", doubles(ByteOrder.LITTLE_ENDIAN, 1.5, -3));
        int headerLen = (v1[8] & 0xff) | (v1[9] & 0xff) << 8;
        byte[] v2 = version2(v1, headerLen);
        assertArrayEquals(new double[] {1.5, -3}, NpyFile.readTable(v2, "v2", "x").values(), 0);
        byte[] huge = version2(v1, headerLen);
        huge[10] = 1; // 65,536 more bytes of header than the file has
        assertMessage(huge, "header claims " + (headerLen + 65_536) + " bytes");
        byte[] past = version2(v1, headerLen);
        past[11] = 1;
        assertMessage(past, "header claims " + (headerLen + (1L << 24)) + " bytes");
    }

    /** {@code v1} with its version 1 prelude made version 2's (a four-byte header length). */
    private static byte[] version2(byte[] v1, int headerLen) {
        ByteBuffer b = ByteBuffer.allocate(v1.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put(v1, 0, 6).put(new byte[] {2, 0}).putInt(headerLen).put(v1, 10, v1.length - 10);
        return b.array();
    }

    private static void assertMessage(byte[] bytes, String part) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NpyFile.readTable(bytes, "in.npy", "x"));
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
        assertTrue(e.getMessage().startsWith("in.npy"), "message names the file: " + e.getMessage());
    }
}
