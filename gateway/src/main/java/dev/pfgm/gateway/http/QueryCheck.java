package dev.pfgm.gateway.http;

import dev.pfgm.shared.Text;
import io.vertx.core.MultiMap;
import java.io.ByteArrayOutputStream;

/**
 * What a query string must be beyond valid percent-encoding: UTF-8 once decoded (RFC 3986 section
 * 2.5; the decoder read the overlong %C0%AF as "/"), and each parameter given once (a repeated
 * limit or metadata[k] silently took one of its values).
 */
public final class QueryCheck {
    private QueryCheck() {
    }

    /** The problem with {@code rawQuery} (already decoded into {@code params}), or null when there is none. */
    public static ApiException problem(String rawQuery, MultiMap params) {
        if (rawQuery == null) {
            return null;
        }
        if (!utf8(rawQuery)) {
            return ApiException.badRequest("/query", "the query string is not percent-encoded UTF-8 (non-ASCII"
                    + " characters go as %-escapes of their UTF-8 bytes)");
        }
        for (String name : params.names()) {
            if (params.getAll(name).size() > 1) {
                return ApiException.badRequest("/query/" + name, "given " + params.getAll(name).size()
                        + " times; give it once");
            }
        }
        return null;
    }

    private static boolean utf8(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return false;
                }
                bytes.write(Integer.parseInt(raw, i + 1, i + 3, 16)); // the escapes were checked as they decoded
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return false; // not percent-encoded: a request target is ASCII (RFC 9112 section 3.2)
            }
        }
        return Text.notUtf8At(bytes.toByteArray()) < 0;
    }
}
