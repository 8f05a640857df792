package dev.pfgm.shared;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strings from outside (names, file entries, cells): which may be stored, and how they may be echoed in a message. */
public final class Text {
    private Text() {
    }

    /**
     * True when {@code s} holds NUL or another control character (C0, DEL, C1), or half of a UTF-16
     * surrogate pair: a JSON string escape can spell one alone, and having no UTF-8 form it was stored
     * as '?', so a name no longer matched what the client sent.
     */
    public static boolean hasUnfit(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                return true;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++; // a whole pair: one character beyond the BMP
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The offset of the first byte of {@code bytes} that is not well-formed UTF-8 (RFC 3629: no
     * overlong forms, no encoded surrogates, no sequence cut short), or -1 when all of it is. Lenient
     * decoders read the overlong C0 AF as "/".
     */
    public static int notUtf8At(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in);
            return -1;
        } catch (CharacterCodingException e) {
            return in.position(); // the decoder stops at the sequence it refuses
        }
    }

    /** {@code s} fit for a one-line message: control characters as '?', at most 200 characters. */
    public static String printable(String s) {
        String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return t.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
