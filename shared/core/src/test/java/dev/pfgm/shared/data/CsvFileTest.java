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

    private static void assertMessage(String text, String part) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> read(text));
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
    }
}
