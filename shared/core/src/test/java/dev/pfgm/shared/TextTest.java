package dev.pfgm.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void controlCharactersAndHalfSurrogatePairsAreUnfit() {
        for (String bad : new String[] {"a\u0000b", "tab\t", "del\u007f", "c1\u0085", "caf\ud800e", "end\udbff",
            "\udfff", "low\udc00first\ud800"}) {
            assertTrue(Text.hasUnfit(bad), bad);
        }
        // a whole pair is one character beyond the plane (an emoji), and fine
        for (String good : new String[] {"", "plain", "café", "\ud83d\ude00", "x\ud83d\ude00y", "日本"}) {
            assertFalse(Text.hasUnfit(good), good);
        }
    }

    @Test
    void malformedUtf8IsFoundAtItsFirstByte() {
        assertEquals(-1, Text.notUtf8At(new byte[0]));
        assertEquals(-1, Text.notUtf8At("café ☃ \ud83d\ude00".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        byte[][] bad = {{'a', (byte) 0xC0, (byte) 0xAF}, {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {'a', (byte) 0xFF}, {'a', (byte) 0xC3}, {'a', (byte) 0xC3, 'b'}, {'a', (byte) 0xF4, (byte) 0x90, (byte) 0x80,
                (byte) 0x80}};
        for (byte[] b : bad) {
            assertEquals(1, Text.notUtf8At(b), java.util.HexFormat.of().formatHex(b));
        }
    }

    @Test
    void printableReplacesControlsAndShortens() {
        assertEquals("a?b", Text.printable("a\u0000b"));
        assertEquals(203, Text.printable("x".repeat(500)).length());
    }
}
