package dev.pfgm.launcher.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --write FILE|none: the markdown file whose section a bench command replaces with its figures. */
final class BenchOutput {
    @Option(names = "--write", paramLabel = "FILE|none",
            description = "the markdown file whose section is replaced (default docs/benchmarks.md; 'none' prints only)")
    String write = "docs/benchmarks.md";

    boolean writes() {
        return !write.equalsIgnoreCase("none"); // NONE made a file of that name
    }

    /** Before the run, as any output file is checked: a folder here was found after the whole benchmark had run. */
    void check() {
        if (writes()) {
            Check.output("--write", file());
        }
    }

    Path file() {
        return Path.of(write);
    }
}
