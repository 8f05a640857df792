package dev.pfgm.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

/** A query string is percent-encoded UTF-8 and names each parameter once; the problem names where. */
class QueryCheckTest {
    private static MultiMap params(String... pairs) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            m.add(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static String pointer(String raw, MultiMap params) {
        ApiException e = QueryCheck.problem(raw, params);
        return e == null ? null : e.status() + " " + e.errors().get(0).pointer();
    }

    @Test
    void wellFormedQueriesPass() {
        assertNull(QueryCheck.problem(null, params()));
        assertNull(QueryCheck.problem("", params()));
        assertNull(QueryCheck.problem("limit=5&status=queued", params("limit", "5", "status", "queued")));
        // e with an acute accent (two bytes) and a snowman (three), escaped
        assertNull(QueryCheck.problem("name=%C3%A9t%C3%A9%E2%98%83", params("name", "\u00e9t\u00e9\u2603")));
        assertNull(QueryCheck.problem("metadata%5Bk%5D=v", params("metadata[k]", "v")));
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        // the overlong "/" a lenient decoder reads as a path separator
        assertEquals("400 /query", pointer("after=%C0%AF", params("after", "?")));
        assertEquals("400 /query", pointer("name=%FF", params("name", "?")));
        assertEquals("400 /query", pointer("name=%C3", params("name", "?")), "a sequence cut short");
        assertEquals("400 /query", pointer("name=%ED%A0%80", params("name", "?")), "a UTF-16 surrogate");
        assertEquals("400 /query", pointer("name=%C3x%A9", params("name", "?")), "a letter inside a sequence");
        assertEquals("400 /query", pointer("name=\u00e9", params("name", "\u00e9")), "not percent-encoded");
        assertEquals("400 /query", pointer("name=\u0080", params("name", "\u0080")), "the first non-ASCII char");
        assertEquals("400 /query", pointer("name=%4", params("name", "?")), "an escape cut short");
        assertEquals("400 /query", pointer("name=%", params("name", "?")));
    }

    @Test
    void aParameterGivenTwiceIsRefusedByName() {
        assertEquals("400 /query/limit", pointer("limit=1&limit=2", params("limit", "1", "limit", "2")));
        assertEquals("400 /query/metadata[k]", pointer("metadata[k]=a&metadata[k]=b&x=1",
                params("metadata[k]", "a", "metadata[k]", "b", "x", "1")));
    }
}
