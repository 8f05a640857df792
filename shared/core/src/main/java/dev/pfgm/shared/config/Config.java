package dev.pfgm.shared.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Resolved settings, read from environment variables (or a KEY=VALUE file laid over them). */
public final class Config {
    private static final java.util.regex.Pattern ASCII_INTEGER = java.util.regex.Pattern.compile("[+-]?[0-9]+");
    private final Map<String, String> values;

    private Config(Map<String, String> values) {
        this.values = values;
    }

    /** Resolves every setting in {@link Settings#ALL}; names each missing or malformed one. */
    public static Config from(Map<String, String> env) {
        return from(env, Settings.ALL);
    }

    /** Resolves {@code settings} alone: for the command line, which runs without the service's settings. */
    public static Config from(Map<String, String> env, List<Setting> settings) {
        Map<String, String> v = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Setting s : settings) {
            String raw = env.get(s.name());
            if (raw == null || (raw.isBlank() && s.defaultValue() != null)) {
                raw = s.defaultValue();
            }
            if (raw == null || (raw.isBlank() && s.defaultValue() == null)) {
                problems.add(s.name() + " is required (" + s.doc() + ")");
                continue;
            }
            String problem = check(s, raw);
            if (problem != null) {
                problems.add(s.name() + " " + problem);
            }
            v.put(s.name(), raw);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("configuration: " + String.join("; ", problems));
        }
        return new Config(v);
    }

    /** Read by the command line and the launch scripts, not by the services: no setting, yet no typo. */
    private static final java.util.Set<String> OTHER_NAMES = java.util.Set.of("PFGM_API_KEY", "PFGM_URL", "PFGM_DEBUG",
            "PFGM_THREADS", "PFGM_UP_PARENT_PID", "PFGM_JAVA_OPTS", "PFGM_WORKER_JAVA_OPTS");

    /**
     * The names in {@code env} that look like settings (PFGM_...) and are none: a misspelt setting
     * was ignored without a word, its default in force.
     */
    public static List<String> unknownNames(Map<String, String> env) {
        java.util.Set<String> known = new java.util.HashSet<>(OTHER_NAMES);
        Settings.ALL.forEach(s -> known.add(s.name()));
        return env.keySet().stream().filter(k -> k.startsWith("PFGM_") && !known.contains(k)).sorted().toList();
    }

    /**
     * One warning line on {@code err} per {@link #unknownNames} of the environment, with the
     * {@code envFile} (null: none) laid over it as {@link #fromFile} does.
     */
    public static void warnUnknown(Path envFile, java.io.PrintStream err) {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (envFile != null) {
            env.putAll(readEnvFile(envFile));
        }
        for (String name : unknownNames(env)) {
            err.println("warning: " + name + " is not a pfgm setting and is ignored (docs/configuration.md lists them)");
        }
    }

    public static Config fromEnvironment() {
        return from(System.getenv());
    }

    /** The environment with a KEY=VALUE file (blank lines and # comments allowed) laid over it. */
    public static Config fromFile(Path file) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(readEnvFile(file));
        return from(env);
    }

    public static Map<String, String> readEnvFile(Path file) {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                int eq = t.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(file + ": line '" + t + "' is not KEY=VALUE");
                }
                m.put(t.substring(0, eq).strip(), t.substring(eq + 1).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return m;
    }

    private static String check(Setting s, String raw) {
        switch (s.kind()) {
            case INT -> {
                if (!ASCII_INTEGER.matcher(raw.strip()).matches()) { // Long.parseLong reads any script's digits
                    return "must be an integer, got '" + raw + "'";
                }
                try {
                    long n = Long.parseLong(raw.strip());
                    if (n < s.min() || n > s.max()) {
                        return "must be between " + s.min() + " and " + s.max() + ", got '" + raw + "'";
                    }
                } catch (NumberFormatException e) {
                    return "must be an integer, got '" + raw + "'";
                }
            }
            case URL -> {
                try {
                    URI u = URI.create(raw);
                    if (u.getScheme() == null || u.getHost() == null) {
                        return "must be an absolute http(s) URL, got '" + raw + "'";
                    }
                } catch (IllegalArgumentException e) {
                    return "must be a URL, got '" + raw + "'";
                }
            }
            default -> {
            }
        }
        return null;
    }

    public String get(Setting s) {
        return values.get(s.name());
    }

    public int getInt(Setting s) {
        return (int) Long.parseLong(values.get(s.name()).strip());
    }

    public long getLong(Setting s) {
        return Long.parseLong(values.get(s.name()).strip());
    }

    /** A copy with some settings replaced (for tests and the all-in-one stack). */
    public Config with(Map<String, String> overrides) {
        Map<String, String> m = new HashMap<>(values);
        m.putAll(overrides);
        return from(m);
    }

    /** One line per setting, secrets masked: printed at start so operators see what is in force. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Setting s : Settings.ALL) {
            String v = values.get(s.name());
            String shown = s.secret() ? (v.isEmpty() ? "(empty)" : "****") : v;
            sb.append(String.format("  %-28s %s%n", s.name(), shown));
        }
        return sb.toString();
    }
}
