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
     * Whether a GET is answered 304 (RFC 9110 section 13.2.2): If-None-Match, when given, lists the
     * entity tag (weak comparison, W/ ignored) or is "*"; otherwise If-Modified-Since is no earlier
     * than the last modification. A header that does not parse is ignored.
     */
    static boolean notModified(String ifNoneMatch, String ifModifiedSince, String etag, String lastModified) {
        if (ifNoneMatch != null && isTagList(ifNoneMatch)) {
            return etag != null && listsTag(ifNoneMatch, etag);
        }
        if (ifModifiedSince != null && isDate(ifModifiedSince) && lastModified != null && isDate(lastModified)) {
            return !DateTimeFormatter.RFC_1123_DATE_TIME.parse(lastModified.strip(), java.time.Instant::from)
                    .isAfter(DateTimeFormatter.RFC_1123_DATE_TIME.parse(ifModifiedSince.strip(), java.time.Instant::from));
        }
        return false;
    }

    /** If-None-Match's weak comparison: "*", or a tag of the list equal to {@code etag} but for W/. */
    static boolean listsTag(String ifNoneMatch, String etag) {
        String s = ifNoneMatch.strip();
        if (s.equals("*")) {
            return true;
        }
        String want = opaque(etag);
        for (String t : s.split(",")) {
            if (opaque(t).equals(want)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        String t = tag.strip();
        return t.startsWith("W/") ? t.substring(2) : t;
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
