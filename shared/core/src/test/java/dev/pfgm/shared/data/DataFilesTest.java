package dev.pfgm.shared.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFilesTest {
    @TempDir
    Path dir;

    /** An output gets the mode any new file gets here (the umask's); a temporary file's 0600 was kept. */
    @Test
    void atomicWritesGetTheModeOfANewFileAndLeaveNothingElse() throws IOException {
        Path probe = Files.createFile(dir.resolve("probe"));
        Path out = dir.resolve("a".repeat(240) + ".bin"); // near the 255-byte limit: the temporary name is short
        DataFiles.writeAtomically(out, o -> o.write("hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals("hello", Files.readString(out));
        assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(out));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(out, probe).stream().sorted().toList(), files.sorted().toList());
        }
        // a failure leaves the old file and no temporary one
        assertThrows(IOException.class, () -> DataFiles.writeAtomically(out, o -> {
            o.write(1);
            throw new IOException("disk full");
        }));
        assertEquals("hello", Files.readString(out));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
    }

    @Test
    void aDeviceIsNotAFileToRead() throws IOException {
        Path zeros = Files.createSymbolicLink(dir.resolve("zeros.npy"), Path.of("/dev/zero"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DataFiles.readBytes(zeros, "--model"));
        assertTrue(e.getMessage().startsWith("--model: ") && e.getMessage().contains("not a regular file"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> DataFiles.load(zeros.toString(), "--data"));
    }

    /** Header names pick the label column and head written samples: each is named, once, in printable text. */
    @Test
    void aCsvHeaderNamesEachColumnOncePrintably() throws IOException {
        for (String[] c : new String[][] {
                {",a,b\n0,1.5,2\n1,2.5,3\n", "header column 1 has no name (pandas"},
                {"a,b,a\n1,2,3\n", "header columns 1 and 3 are both named 'a'"},
                {"a, a\n1,2\n", "header columns 1 and 2 are both named 'a'"},
                {"a,b\u0000c\n1,2\n", "header column 2 has a control character"},
                {"\"a\tb\",c\n1,2\n", "header column 1 has a control character"}}) {
            Path f = Files.writeString(dir.resolve("h.csv"), c[0]);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> DataFiles.load(f.toString(), "--data"),
                    c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
        Path good = Files.writeString(dir.resolve("good.csv"), "x, y z,é\n1,2,3\n");
        assertEquals(List.of("x", "y z", "é"), DataFiles.load(good.toString(), "--data").columns());
    }

    @Test
    void anNpyTableHasTheColumnLimitOfACsv() throws IOException {
        // 4 x 1,000,000 was read (a CSV that wide is refused) and ran train out of memory
        Path wide = dir.resolve("wide.npy");
        DataFiles.writeNpy(wide, new float[2 * 10_001], 2, 10_001);
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> DataFiles.load(wide.toString(), "--data"));
        assertTrue(e.getMessage().contains("10001 columns, more than the 10000 allowed"), e.getMessage());
        LimitExceededException images = assertThrows(LimitExceededException.class,
                () -> ImageFiles.load(wide.toString(), null, "--data", "--labels"));
        assertTrue(images.getMessage().contains("10001 columns"), images.getMessage());
    }
}
