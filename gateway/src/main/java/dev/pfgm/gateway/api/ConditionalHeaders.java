package dev.pfgm.gateway.api;

import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The client's conditional download headers, checked before the object store sees them (RFC 9110
 * section 13): one that does not parse is ignored, as the RFC says, instead of reaching the store
 * as a request it answers 400 to. If-Range is decided here, as the store ignores it.
 */
final class ConditionalHeaders {
    /** One entity tag, strong or weak, or a comma-separated list of them. */
    private static final Pattern TAG_LIST = Pattern.compile(
            "(?:W/)?\"[\\x21\\x23-\\x7e\\x80-\\xff]*\"(?:[ \\t]*,[ \\t]*(?:W/)?\"[\\x21\\x23-\\x7e\\x80-\\xff]*\")*");

    private ConditionalHeaders() {
    }

    /** An HTTP date (IMF-fixdate, which every current client sends). */
    static boolean isDate(String v) {
        try {
            DateTimeFormatter.RFC_1123_DATE_TIME.parse(v.strip());
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** An If-None-Match value: "*" or entity tags. */
    static boolean isTagList(String v) {
        String s = v.strip();
        return s.equals("*") || (s.length() <= 8192 && TAG_LIST.matcher(s).matches());
    }

    /**
     * Whether a Range request may be answered in part under this If-Range: its strong entity tag is
     * the object's, or its date is the object's last modification; anything else (a weak tag, a
     * malformed value, another version) means the whole file.
     */
    static boolean ifRangeHolds(String ifRange, String etag, String lastModified) {
        String v = ifRange.strip();
        if (v.startsWith("\"")) {
            return etag != null && !etag.startsWith("W/") && v.equals(etag.strip());
        }
        return lastModified != null && isDate(v) && isDate(lastModified)
                && DateTimeFormatter.RFC_1123_DATE_TIME.parse(v, java.time.Instant::from)
                        .equals(DateTimeFormatter.RFC_1123_DATE_TIME.parse(lastModified.strip(), java.time.Instant::from));
    }
}
