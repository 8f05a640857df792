package dev.pfgm.shared.config;

/**
 * One configuration setting: the environment variable that sets it, its type, default and meaning.
 * A null default means the setting is required.
 */
public record Setting(String name, Kind kind, String defaultValue, String doc, boolean secret, long min, long max) {
    public enum Kind { STRING, INT, URL }

    static Setting string(String name, String def, String doc) {
        return new Setting(name, Kind.STRING, def, doc, false, 0, 0);
    }

    static Setting secret(String name, String def, String doc) {
        return new Setting(name, Kind.STRING, def, doc, true, 0, 0);
    }

    static Setting integer(String name, long def, long min, long max, String doc) {
        return new Setting(name, Kind.INT, Long.toString(def), doc, false, min, max);
    }

    static Setting url(String name, String def, String doc) {
        return new Setting(name, Kind.URL, def, doc, false, 0, 0);
    }
}
