package dev.pfgm.shared.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.InvalidInputException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CsvFileTest {
    private static Dataset read(String text) {
        return CsvFile.readTable(text.getBytes(StandardCharsets.UTF_8), "t.csv", "x");
    }

    @Test
    void readsWithAndWithoutHeader() {
        Dataset a = read("x,y\n1,2\n3.5,-4e-1\n");
        assertEquals(2, a.count());
        assertArrayEquals(new double[] {1, 2, 3.5, -0.4}, a.values(), 0);
        Dataset b = read("1, 2\r\n\r\n3,4");
        assertArrayEquals(new double[] {1, 2, 3, 4}, b.values(), 0);
    }

    @Test
    void refusesRaggedNonNumericEmptyAndNonFinite() {
        assertMessage("1,2\n3\n", "line 2 has 1 columns, expected 2");
        assertMessage("a,b\n1,x\n", "line 2, column 2 is 'x', not a number");
        assertMessage("", "no data rows");
        assertMessage("a,b\n", "no data rows");
        assertMessage("1,2\nnan,3\n", "line 2, column 1 is 'nan'");
        assertMessage("1,Infinity\n", "must be finite");
    }

    @Test
    void readsDecimalNumbersOnly() {
        // Java's parseDouble reads these; no CSV writer means them as numbers
        assertMessage("a,b\n1,0x1p3\n", "line 2, column 2 is '0x1p3', not a number");
        assertMessage("a,b\n1,2f\n", "line 2, column 2 is '2f', not a number");
        assertMessage("a,b\n1d,2\n", "line 2, column 1 is '1d', not a number");
        assertMessage("a,b\n1,\u00002\n", "line 2, column 2 is '?2', not a number");
        assertMessage("a,b\n1,2\u0001\n", "line 2, column 2 is '2?', not a number");
        assertArrayEquals(new double[] {1, 2}, read("a,b\n 1 ,\t2\n").values(), 0);
        assertArrayEquals(new double[] {1e5, -2.5, 0.5, 3}, read("a,b\n1e5,-2.5\n.5,+3.\n").values(), 0);
    }

    @Test
    void valuesBeyondFloat32AreRefused() {
        // 1e300 trained a model whose spread was infinite, which every later command refused
        assertMessage("a,b\n1e300,2\n-1e300,3\n", "line 2, column 1 is '1e300'; every value must be finite and"
                + " within float32's range");
        assertEquals(3.4e38, read("a\n3.4e38\n-3.4e38\n").values()[0], 1e30);
        // float32's largest value as Java and numpy print it is a hair above Float.MAX_VALUE as a double
        assertEquals(3.4028235e38, read("a\n3.4028235e38\n-3.4028235e38\n").values()[0], 0);
        assertMessage("a\n3.4028236e38\n1\n", "is '3.4028236e38'");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new Dataset("t.npy", new double[] {1, 2, -1e39, 4}, 2, 2, null));
        assertTrue(e.getMessage().contains("t.npy: value at row 1, column 0 is -1.0E39"), e.getMessage());
    }

    private static void assertMessage(String text, String part) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> read(text));
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
    }
}
