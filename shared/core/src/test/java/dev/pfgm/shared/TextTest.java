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
    void printableReplacesControlsAndShortens() {
        assertEquals("a?b", Text.printable("a\u0000b"));
        assertEquals(203, Text.printable("x".repeat(500)).length());
    }
}
