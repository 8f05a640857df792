package dev.pfgm.launcher.cli;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Range checks of option values picocli has already typed; each refusal names the option, the
 * range and the value given.
 */
public final class Check {
    private Check() {
    }

    public static int range(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidInputException(option + ": must be an integer in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    public static long seed(String option, long value) {
        if (value < 0) {
            throw new InvalidInputException(option + ": must be a non-negative integer, got " + value);
        }
        return value;
    }

    /** A number in [min, max]. */
    public static double closed(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new InvalidInputException(option + ": must be a number in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** A number in (min, max). */
    public static double open(String option, double value, double min, double max) {
        if (!(value > min && value < max)) {
            throw new InvalidInputException(option + ": must be a number in (" + min + ", " + max + "), got " + value);
        }
        return value;
    }

    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]{1,19}");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]{1,5})?");

    /**
     * An ASCII decimal integer, or null for anything else or past a long: Long.parseLong also reads
     * other scripts' digits (an Arabic-Indic 1 was class 1).
     */
    public static Long wholeNumber(String text) {
        try {
            return WHOLE.matcher(text).matches() ? Long.parseLong(text) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A finite ASCII decimal number, or null: Double.parseDouble also reads hex floats (0x1p3), a d or
     * f suffix, Infinity and NaN, and 1e309 as infinity.
     */
    public static Double decimalNumber(String text) {
        double v = DECIMAL.matcher(text).matches() ? Double.parseDouble(text) : Double.NaN;
        return Double.isFinite(v) ? v : null;
    }

    /** A comma-separated list of integers in [min, max], each a {@code what} (named in the refusal). */
    public static List<Integer> integers(String option, String list, int min, int max, String what) {
        List<Integer> out = new ArrayList<>();
        // -1: empty items (",,", "5,") are refused, not dropped
        for (String t : list.split(",", -1)) {
            Long parsed = wholeNumber(t.trim());
            long n = parsed == null ? Long.MIN_VALUE : parsed;
            if (n < min || n > max) {
                throw new InvalidInputException(option + ": '" + t + "' is not " + what + " in [" + min + ", " + max + "]");
            }
            out.add((int) n);
        }
        return out;
    }

    /** An output path whose folder exists and which is not itself a folder. */
    public static Path output(String option, Path given) {
        Path p = given.toAbsolutePath();
        if (Files.isDirectory(p)) {
            throw new InvalidInputException(option + ": '" + p + "' is a directory");
        }
        Path dir = p.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InvalidInputException(option + ": folder '" + dir + "' does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new InvalidInputException(option + ": folder '" + dir + "' is not writable");
        }
        return p;
    }

    /** A settings file is a JSON object of a few keys: at most this many bytes (a 300 MB one took 745 MB to refuse). */
    static final int MAX_SETTINGS_BYTES = 1 << 20;

    /** The bytes of a settings file ({@code --config}), refused past {@link #MAX_SETTINGS_BYTES} before it is read. */
    public static byte[] settingsFile(String option, Path file) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_SETTINGS_BYTES) {
                throw new InvalidInputException(option + ": '" + file + "' is " + Files.size(file) + " bytes; a settings"
                        + " file may have at most 1 MiB");
            }
        } catch (java.io.IOException e) {
            // unreadable: DataFiles.readBytes says why in one line
        }
        return DataFiles.readBytes(file, option);
    }

    /**
     * An output folder, created later if missing: not a file, and writable (or, when missing, its
     * nearest existing folder is), so a refusal is bad input before any work and not a failure after it.
     */
    public static Path outputFolder(String option, Path given) {
        Path p = given.toAbsolutePath();
        if (Files.exists(p) && !Files.isDirectory(p)) {
            throw new InvalidInputException(option + ": '" + p + "' is a file; give a folder (it is created if missing)");
        }
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        // a file on the way: making the folder says so (DataFiles.createFolder)
        if (existing != null && Files.isDirectory(existing) && !Files.isWritable(existing)) {
            throw new InvalidInputException(option + ": folder '" + existing + "' is not writable");
        }
        return p;
    }

    /**
     * An output path as {@link #output(String, Path)} that ends in {@code extension} (any case): the
     * bytes written are of that format, and a name that says otherwise misleads whatever reads it next.
     */
    public static Path output(String option, Path given, String extension) {
        Path p = output(option, given);
        if (!p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(extension)) {
            throw new InvalidInputException(option + ": '" + p + "' must end in " + extension + " (the file written is "
                    + extension.substring(1).toUpperCase(Locale.ROOT) + ")");
        }
        return p;
    }
}
