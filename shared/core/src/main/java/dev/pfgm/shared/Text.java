package dev.pfgm.shared;

/** Strings from outside (names, file entries, cells): which may be stored, and how they may be echoed in a message. */
public final class Text {
    private Text() {
    }

    /** True when {@code s} holds NUL or another control character (C0, DEL, C1). */
    public static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    /** {@code s} fit for a one-line message: control characters as '?', at most 200 characters. */
    public static String printable(String s) {
        String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return t.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
