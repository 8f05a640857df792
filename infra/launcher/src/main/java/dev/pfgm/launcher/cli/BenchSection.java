package dev.pfgm.launcher.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A bench command's section of docs/benchmarks.md: its figures between two HTML comments named
 * {@code name}, so that a rerun replaces them in place; a file without them gets the section at its
 * end, under {@code heading}.
 */
record BenchSection(String name, String heading) {
    String start() {
        return "<!-- " + name + ":start -->";
    }

    String end() {
        return "<!-- " + name + ":end -->";
    }

    /** The text between its markers; {@code body} ends with a line break. */
    String mark(String body) {
        return start() + "\n" + body + end();
    }

    /** Replaces this section of {@code file} with {@code marked} (from {@link #mark}), or appends it. */
    void write(Path file, String marked) throws IOException {
        String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
        int s = text.indexOf(start());
        int e = text.indexOf(end());
        String updated = s >= 0 && e > s ? text.substring(0, s) + marked + text.substring(e + end().length())
                : text.stripTrailing() + "\n\n## " + heading + "\n" + marked + "\n";
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }
}
