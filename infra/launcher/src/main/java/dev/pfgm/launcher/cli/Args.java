package dev.pfgm.launcher.cli;

import dev.pfgm.shared.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of one command: {@code --name value} pairs and value-less switches, each
 * declared up front, so that an unknown or repeated option, a missing value or a malformed number
 * is refused with a message naming the option.
 */
public final class Args {
    private final String command;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> switches;

    private Args(String command, Set<String> switches) {
        this.command = command;
        this.switches = switches;
    }

    /**
     * @param options  option names that take a value (without the leading dashes)
     * @param switches option names that take none
     */
    public static Args parse(String command, String[] argv, Set<String> options, Set<String> switches) {
        Args a = new Args(command, switches);
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new InvalidInputException(command + ": unexpected argument '" + arg + "'; options are "
                        + list(options, switches));
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new InvalidInputException(command + ": --" + name + " takes no value");
                }
                value = "true";
            } else if (options.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.length) {
                        throw new InvalidInputException(command + ": --" + name + " needs a value");
                    }
                    value = argv[++i];
                }
            } else {
                throw new InvalidInputException(command + ": unknown option --" + name + "; options are "
                        + list(options, switches));
            }
            if (a.values.put(name, value) != null) {
                throw new InvalidInputException(command + ": --" + name + " is given twice");
            }
        }
        return a;
    }

    private static String list(Set<String> options, Set<String> switches) {
        Map<String, Boolean> all = new LinkedHashMap<>();
        options.stream().sorted().forEach(o -> all.put("--" + o, true));
        switches.stream().sorted().forEach(o -> all.put("--" + o, true));
        return String.join(", ", all.keySet());
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public boolean flag(String name) {
        return switches.contains(name) && values.containsKey(name);
    }

    public String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new InvalidInputException(command + ": --" + name + " is required");
        }
        if (v.isBlank()) {
            throw new InvalidInputException(command + ": --" + name + " must not be empty");
        }
        return v;
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int integer(String name, int fallback, int min, int max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--" + name + ": must be an integer in [" + min + ", " + max + "], got '"
                    + v + "'");
        }
        if (n < min || n > max) {
            throw new InvalidInputException("--" + name + ": must be an integer in [" + min + ", " + max + "], got "
                    + v);
        }
        return (int) n;
    }

    /** A comma-separated list of integers in [min, max], each a {@code what} (named in the refusal). */
    public java.util.List<Integer> integers(String name, String fallback, int min, int max, String what) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        // -1: empty items (",,", "5,") are refused, not dropped
        for (String t : string(name, fallback).split(",", -1)) {
            long n;
            try {
                n = Long.parseLong(t.trim());
            } catch (NumberFormatException e) {
                n = Long.MIN_VALUE;
            }
            if (n < min || n > max) {
                throw new InvalidInputException("--" + name + ": '" + t + "' is not " + what + " in [" + min + ", " + max
                        + "]");
            }
            out.add((int) n);
        }
        return out;
    }

    public long seed(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--" + name + ": must be a non-negative integer, got '" + v + "'");
        }
    }

    /** A number in [min, max]. */
    public double numberIn(String name, double fallback, double min, double max) {
        return number(name, fallback, min, max, true);
    }

    /** A number in (minExclusive, maxExclusive). */
    public double number(String name, double fallback, double minExclusive, double maxExclusive) {
        return number(name, fallback, minExclusive, maxExclusive, false);
    }

    private double number(String name, double fallback, double lo, double hi, boolean closed) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        boolean inside = closed ? d >= lo && d <= hi : d > lo && d < hi;
        if (!inside) {
            throw new InvalidInputException("--" + name + ": must be a number in " + (closed ? "[" : "(") + lo + ", "
                    + hi + (closed ? "]" : ")") + ", got '" + v + "'");
        }
        return d;
    }

    /** An output path whose folder exists and which is not itself a folder. */
    public Path output(String name) {
        Path p = Path.of(required(name)).toAbsolutePath();
        if (Files.isDirectory(p)) {
            throw new InvalidInputException("--" + name + ": '" + p + "' is a directory");
        }
        Path dir = p.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InvalidInputException("--" + name + ": folder '" + dir + "' does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new InvalidInputException("--" + name + ": folder '" + dir + "' is not writable");
        }
        return p;
    }
}
