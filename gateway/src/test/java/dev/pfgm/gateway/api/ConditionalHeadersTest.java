package dev.pfgm.gateway.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConditionalHeadersTest {
    private static final String DATE = "Sun, 06 Dec 2026 15:00:00 GMT";

    @Test
    void datesAreImfFixdates() {
        assertTrue(ConditionalHeaders.isDate(DATE));
        for (String bad : new String[] {"yesterday", "", "0", "Sun, 32 Dec 2026 15:00:00 GMT", "2026-12-06T15:00:00Z"}) {
            assertFalse(ConditionalHeaders.isDate(bad), bad);
        }
    }

    @Test
    void ifNoneMatchIsAStarOrEntityTags() {
        for (String good : new String[] {"*", "\"abc\"", "W/\"abc\"", "\"a\", W/\"b\" ,\"c\"", "\"\""}) {
            assertTrue(ConditionalHeaders.isTagList(good), good);
        }
        for (String bad : new String[] {"abc", "\"abc", "\"a\"\"b\"", "W/abc", "\"a\",", "\"a\" \"b\"", "**"}) {
            assertFalse(ConditionalHeaders.isTagList(bad), bad);
        }
    }

    @Test
    void ifRangeHoldsOnlyForTheSameStrongTagOrDate() {
        assertTrue(ConditionalHeaders.ifRangeHolds("\"v1\"", "\"v1\"", null));
        assertFalse(ConditionalHeaders.ifRangeHolds("\"v1\"", "\"v2\"", DATE));
        assertFalse(ConditionalHeaders.ifRangeHolds("\"v1\"", "W/\"v1\"", null), "a weak tag never matches");
        assertFalse(ConditionalHeaders.ifRangeHolds("W/\"v1\"", "\"v1\"", null), "a weak tag never matches");
        assertTrue(ConditionalHeaders.ifRangeHolds(DATE, "\"v1\"", DATE));
        assertFalse(ConditionalHeaders.ifRangeHolds(DATE, "\"v1\"", "Sun, 06 Dec 2026 15:00:01 GMT"));
        assertFalse(ConditionalHeaders.ifRangeHolds("yesterday", "\"v1\"", DATE));
        assertFalse(ConditionalHeaders.ifRangeHolds(DATE, "\"v1\"", null));
    }

    @Test
    void notModifiedFollowsRfc9110() {
        String date = "Sun, 06 Dec 2026 20:00:00 GMT";
        String later = "Sun, 06 Dec 2026 21:00:00 GMT";
        assertTrue(ConditionalHeaders.notModified("\"a\"", null, "\"a\"", date));
        assertTrue(ConditionalHeaders.notModified("W/\"a\"", null, "\"a\"", date), "weak comparison");
        assertTrue(ConditionalHeaders.notModified("\"b\", W/\"a\"", null, "\"a\"", date), "a list");
        assertTrue(ConditionalHeaders.notModified("*", null, "\"a\"", date));
        assertFalse(ConditionalHeaders.notModified("\"b\"", date, "\"a\"", date), "If-None-Match decides when given");
        assertTrue(ConditionalHeaders.notModified(null, date, "\"a\"", date), "unchanged since the very date");
        assertTrue(ConditionalHeaders.notModified(null, later, "\"a\"", date));
        assertFalse(ConditionalHeaders.notModified(null, date, "\"a\"", later), "modified since");
        assertFalse(ConditionalHeaders.notModified(null, "yesterday", "\"a\"", date), "unparsable: ignored");
        assertFalse(ConditionalHeaders.notModified(null, null, "\"a\"", date));
    }
}
