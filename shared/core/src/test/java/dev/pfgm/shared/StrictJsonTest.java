package dev.pfgm.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One object, nothing after it, no key twice, no comments: in both readers, with the caller's
 * name for the input at the start of the one-line refusal.
 */
class StrictJsonTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Both readers refuse {@code json} in one line that starts with the input's name; the tree reader's line. */
    private static String refused(byte[] json) {
        String tree = assertThrows(InvalidInputException.class, () -> StrictJson.object(json, "--config 'x.json'"))
                .getMessage();
        String map = assertThrows(InvalidInputException.class, () -> StrictJson.map(json, "--config 'x.json'"))
                .getMessage();
        for (String m : new String[] {tree, map}) {
            assertTrue(m.startsWith("--config 'x.json': "), m);
            assertEquals(1, m.lines().count(), m);
        }
        return tree;
    }

    @Test
    void anObjectIsReadWhole() {
        String json = "{\"type\": \"train\", \"params\": {\"steps\": 5, \"lr\": 0.001, \"tags\": [1, 2]}}";
        assertEquals(5, StrictJson.object(utf8(json), "body").path("params").path("steps").asInt());
        Map<String, Object> m = StrictJson.map(utf8(json), "body");
        assertEquals("train", m.get("type"));
        assertEquals(List.of(1, 2), ((Map<?, ?>) m.get("params")).get("tags"));
    }

    @Test
    void aKeyGivenTwiceIsRefusedAtAnyDepth() {
        // a lenient reader kept the last one: this was a generate job
        assertTrue(refused(utf8("{\"type\": \"train\", \"type\": \"generate\"}")).contains("Duplicate field 'type'"));
        assertTrue(refused(utf8("{\"params\": {\"steps\": 1, \"steps\": 2}}")).contains("Duplicate field 'steps'"));
    }

    @Test
    void nothingMayFollowTheObject() {
        for (String trailing : new String[] {"{\"a\": 1} {\"b\": 2}", "{\"a\": 1}x", "{\"a\": 1}]", "{\"a\": 1} 5"}) {
            assertTrue(refused(utf8(trailing)).contains("not valid JSON"), trailing);
        }
        // white space after it is fine
        assertEquals(1, StrictJson.object(utf8("{\"a\": 1}\n\t "), "body").path("a").asInt());
    }

    @Test
    void onlyAnObjectWillDo() {
        for (String other : new String[] {"[1, 2]", "1", "\"text\"", "null", "true", "", "   ", "\r\n\t"}) {
            assertEquals("--config 'x.json': must be a JSON object", refused(utf8(other)), other);
            // the same words from the map reader, which Jackson would have told "No content to map"
            assertEquals("--config 'x.json': must be a JSON object", assertThrows(InvalidInputException.class,
                    () -> StrictJson.map(utf8(other), "--config 'x.json'")).getMessage(), other);
        }
    }

    @Test
    void whatIsNotJsonIsRefusedInOneLine() {
        String[] bad = {"{\"a\": 1 /* why */}", "// note\n{}", "{'a': 1}", "{a: 1}", "{\"a\": 1,}", "{\"a\": NaN}",
            "{\"a\": \"x\u0000y\"}", "{\"a\": \"line\nbreak\"}", "{\"a\": 01}", "{\"a\""};
        for (String s : bad) {
            assertTrue(refused(utf8(s)).contains("not valid JSON"), s);
        }
        // bytes that are not UTF-8, inside a string, where Jackson decodes the first two as "/" and a
        // surrogate: refused, with the first bad byte's offset
        for (byte[] seq : new byte[][] {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0xE2, (byte) 0x98}}) {
            byte[] json = new byte[seq.length + 10];
            System.arraycopy(utf8("{\"a\": \""), 0, json, 0, 7);
            System.arraycopy(seq, 0, json, 7, seq.length);
            System.arraycopy(utf8("\"} "), 0, json, 7 + seq.length, 3);
            assertEquals("--config 'x.json': not valid JSON: not UTF-8 text at byte 7", refused(json),
                    java.util.HexFormat.of().formatHex(seq));
        }
        // and text that is: accents, a snowman, an emoji
        assertEquals("caf\u00e9 \u2603 \ud83d\ude00",
                StrictJson.object(utf8("{\"a\": \"caf\u00e9 \u2603 \ud83d\ude00\"}"), "body").path("a").asText());
    }

    @Test
    void deepNestingIsRefusedQuickly() {
        String deep = "{\"a\": " + "[".repeat(200_000) + "]".repeat(200_000) + "}";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertTrue(refused(utf8(deep)).contains("not valid JSON")));
    }
}
