package dev.pfgm.shared.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.InvalidInputException;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload check against the files an attacker sends (each from a probe that once crashed or
 * swamped the gateway): refused with the limit or the flaw named, quickly, before allocating what
 * the header claims; and, for valid files, the same facts the full readers find.
 */
class HostileFilesTest {
    @TempDir
    Path dir;

    private DatasetCheck.Summary check(byte[] bytes, String format) throws Exception {
        return check(bytes, format, null, DataLimits.DEFAULT);
    }

    private DatasetCheck.Summary check(byte[] bytes, String format, String label, DataLimits limits) throws Exception {
        Path f = Files.createTempFile(dir, "up", ".bin");
        Files.write(f, bytes);
        return DatasetCheck.inspect(f, format, "up", label, limits);
    }

    private void refused(byte[] bytes, String format, String part) {
        refused(bytes, format, part, DataLimits.DEFAULT);
    }

    private void refused(byte[] bytes, String format, String part, DataLimits limits) {
        InvalidInputException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(InvalidInputException.class, () -> check(bytes, format, null, limits)));
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should say '" + part + "'");
        assertTrue(e.getMessage().startsWith("up"), "names the file: " + e.getMessage());
    }

    @Test
    void npyHeadersThatOverflowOrRepeatAreRefusedAtOnce() {
        refused(TestFiles.npy("<f4", "10000000000, 10000000000", new byte[8]), "npy", "PFGM_MAX_DATASET_VALUES");
        refused(TestFiles.npy("<f4", "4294967296, 4294967296, 4294967296", new byte[8]), "npy", "more than 2^63");
        refused(TestFiles.npy("<f4", "99999999999999999999", new byte[8]), "npy", "more than 18 digits");
        refused(TestFiles.npy("<f4", "-1, 2", new byte[8]), "npy", "not a non-negative integer");
        // the probe that froze the gateway: a header repeating "'shape': (" (quadratic for a regex search)
        String repeated = "{" + "'shape': (".repeat(900) + "}";
        refused(TestFiles.npyRaw(repeated, new byte[0]), "npy", "header");
        refused(TestFiles.npyRaw("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", new byte[4]),
                "npy", "twice");
        byte[] big = new byte[12 + 240_000];
        System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0x80, (byte) 0xa9, 3, 0}, 0,
                big, 0, 12);
        refused(big, "npy", "numpy writes at most 10000");
    }

    @Test
    void npyBytesMustMatchTheHeaderExactly() throws Exception {
        refused(TestFiles.npy("<f4", "2, 2", TestFiles.floats(1, 2, 3, 4, 5)), "npy", "4 bytes follow");
        refused(TestFiles.npy("<f4", "2, 2", TestFiles.floats(1, 2, 3)), "npy", "only 12 bytes follow");
        DatasetCheck.Summary s = check(TestFiles.npy("<f4", "2, 2", TestFiles.floats(1, 2, 3, 4)), "npy");
        assertEquals(2, s.count());
        assertEquals(2, s.dim());
    }

    @Test
    void idxHeadersBeyondTheLimitsAreRefusedBeforeReading() {
        refused(TestFiles.idx(1L << 22, 1L << 21, 1L << 21, 20), "idx", "PFGM_MAX_IMAGE_PIXELS");
        refused(TestFiles.idx(1423, 10827767, 1197225396, 20), "idx", "PFGM_MAX_IMAGE_PIXELS");
        refused(TestFiles.idx(1L << 30, 64, 64, 20), "idx", "PFGM_MAX_DATASET_VALUES");
        refused(TestFiles.idx(2, 2, 2, 9), "idx", "bytes follow");
        refused(TestFiles.idx(2, 2, 2, 7), "idx", "only 7 bytes follow");
    }

    @Test
    void gzipPaddingIsNotUnpackedPastTheDeclaredData() {
        // 256 MiB of zeros after two 2x2 images: reading stops one byte past the pixels
        byte[] padded = TestFiles.gzip(TestFiles.idx(2, 2, 2, 8), 256L << 20);
        assertTrue(padded.length < 1 << 20);
        refused(padded, "idx", "bytes follow");
        // a header that declares the padding as pixels meets the unpacked-size limit instead
        DataLimits small = new DataLimits(1L << 30, 100, 1L << 28, 10, 64L << 20, 100, 60);
        refused(TestFiles.gzip(TestFiles.idx(4, 8192, 8192, 0), 256L << 20), "idx", "PFGM_MAX_UNPACKED_MB", small);
    }

    @Test
    void zipBombsAndHugePngHeadersAreRefusedUndecoded() {
        // six entries of 1 GiB of zeros would be 6 GiB: the first stops at the per-entry bound
        String[] names = {"a.png", "b.png", "c.png", "d.png", "e.png", "f.png"};
        refused(TestFiles.zip(names, null, 80L << 20), "png-zip", "unpacks to more than 64 MiB");
        byte[] huge = TestFiles.pngClaiming(TestFiles.png(4, 4, BufferedImage.TYPE_BYTE_GRAY), 30000, 30000);
        refused(TestFiles.zip(new String[] {"x.png"}, new byte[][] {huge}, 0), "png-zip", "30000x30000");
        byte[] tall = TestFiles.pngClaiming(TestFiles.png(4, 4, BufferedImage.TYPE_BYTE_GRAY), 16000, 16000);
        refused(TestFiles.zip(new String[] {"x.png"}, new byte[][] {tall}, 0), "png-zip", "PFGM_MAX_IMAGE_PIXELS");
        byte[] ok = TestFiles.png(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        DataLimits threeEntries = new DataLimits(1L << 27, 100, 1L << 20, 3, 1L << 30, 100, 60);
        refused(TestFiles.zip(new String[] {"1.png", "2.png", "3.png", "4.png"}, new byte[][] {ok, ok, ok, ok}, 0),
                "png-zip", "PFGM_MAX_ZIP_ENTRIES", threeEntries);
    }

    @Test
    void csvLinesAreBoundedByColumnsAndCellLength() {
        byte[] wide = ("1" + ",1".repeat(2_000_000) + "\n").getBytes(StandardCharsets.US_ASCII);
        refused(wide, "csv", "PFGM_MAX_COLUMNS");
        refused(("1," + "9".repeat(5000) + "\n").getBytes(StandardCharsets.US_ASCII), "csv", "longer than 1000");
        refused("a,b\n1,\"2\n3\n".getBytes(StandardCharsets.US_ASCII), "csv", "does not end on its line");
        refused(new byte[] {'1', ',', (byte) 0xff, '\n'}, "csv", "not UTF-8");
    }

    @Test
    void validFilesGiveWhatTheFullReadersGive() throws Exception {
        byte[] csv = "x,y,cls\n1,2,0\n3,4,1\n5,6,1\n".getBytes(StandardCharsets.US_ASCII);
        DatasetCheck.Summary s = check(csv, "csv", "cls", DataLimits.DEFAULT);
        Labels.Split full = Labels.split(CsvFile.readTable(csv, "up", ""), "cls", "up");
        assertEquals(full.features().count(), s.count());
        assertEquals(full.features().dim(), s.dim());
        assertEquals(full.features().columns(), s.columns());
        assertArrayEquals(Labels.counts(full.labels()), s.classCounts());
        assertEquals("cls", s.labelColumn());

        byte[] table = TestFiles.npy("<f4", "3, 2", TestFiles.floats(7, 0, 8, 2, 9, 1));
        s = check(table, "npy", "1", DataLimits.DEFAULT);
        assertEquals(3, s.count());
        assertEquals(1, s.dim());
        assertArrayEquals(new int[] {1, 1, 1}, s.classCounts());
        assertNull(s.columns());

        byte[] images = TestFiles.npy("|u1", "5, 3, 4", new byte[60]);
        s = check(images, "npy");
        ImageSet set = ImageNpy.read(images, "up");
        assertEquals(set.count(), s.count());
        assertEquals(set.dim(), s.dim());

        byte[] idx = TestFiles.gzip(TestFiles.idx(3, 2, 5, 30), 0);
        s = check(idx, "idx");
        ImageSet fromIdx = IdxFile.readImages(idx, "up", null, null);
        assertEquals(fromIdx.count(), s.count());
        assertEquals(fromIdx.height(), s.height());
        assertEquals(fromIdx.width(), s.width());

        byte[] rgb = TestFiles.png(6, 5, BufferedImage.TYPE_INT_RGB);
        byte[] zip = TestFiles.zip(new String[] {"b.png", "a.png"}, new byte[][] {rgb, rgb}, 0);
        s = check(zip, "png-zip");
        ImageSet fromZip = PngZip.read(zip, "up");
        assertEquals(fromZip.count(), s.count());
        assertEquals(3, s.channels());
        assertEquals(fromZip.dim(), s.dim());
        // the hash comes from the check's own read, which must cover bytes the zip reader skips
        assertEquals(DataFiles.sha256(zip), s.sha256());
        assertEquals(DataFiles.sha256(idx), check(idx, "idx").sha256());
        assertEquals(DataFiles.sha256(csv), check(csv, "csv", "cls", DataLimits.DEFAULT).sha256());
    }

    @Test
    void aBadLabelColumnIsToldApartFromABadFile() {
        byte[] csv = "x,y\n1,2\n3,4\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(DatasetCheck.LabelColumnException.class, () -> check(csv, "csv", "nope", DataLimits.DEFAULT));
        byte[] fractional = "x,c\n1,0.5\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(DatasetCheck.LabelColumnException.class, () -> check(fractional, "csv", "c", DataLimits.DEFAULT));
        // labels 0 and 2: class 1 has no examples, and a conditional model would draw it blind
        byte[] gap = "x,c\n1,0\n2,2\n3,0\n".getBytes(StandardCharsets.US_ASCII);
        DatasetCheck.LabelColumnException g = assertThrows(DatasetCheck.LabelColumnException.class,
                () -> check(gap, "csv", "c", DataLimits.DEFAULT));
        assertTrue(g.getMessage().contains("class 1 has no examples"), g.getMessage());
        byte[] ragged = "x,c\n1,0\n2\n".getBytes(StandardCharsets.US_ASCII);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> check(ragged, "csv", "c",
                DataLimits.DEFAULT));
        assertTrue(!(e instanceof DatasetCheck.LabelColumnException), e.toString());
    }

    @Test
    void invalidValuesAreFoundByTheStreamingCheckToo() {
        refused(TestFiles.npy("<f4", "2, 2", TestFiles.floats(1, Double.NaN, 3, 4)), "npy", "row 0, column 1 is NaN");
        refused(TestFiles.npy("<f4", "1, 2, 2", TestFiles.floats(0, 2, 0.5, 1)), "npy", "float pixels range over");
        refused("a,b\n1,x\n".getBytes(StandardCharsets.US_ASCII), "csv", "line 2, column 2 is 'x'");
    }
}
