package dev.pfgm.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchSectionTest {
    private final BenchSection section = new BenchSection("x-bench", "X (`./pfgm bench-x`)");

    @Test
    void aRerunReplacesOnlyItsOwnSection(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, """
                # Benchmarks

                ## X
                <!-- x-bench:start -->
                old
                <!-- x-bench:end -->

                ## Y
                <!-- y-bench:start -->
                kept
                <!-- y-bench:end -->
                """);
        section.write(file, section.mark("new 1\nnew 2\n"));
        assertEquals("""
                # Benchmarks

                ## X
                <!-- x-bench:start -->
                new 1
                new 2
                <!-- x-bench:end -->

                ## Y
                <!-- y-bench:start -->
                kept
                <!-- y-bench:end -->
                """, Files.readString(file));
    }

    @Test
    void aFileWithoutTheSectionGetsItAtTheEndUnderItsHeading(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        Files.writeString(file, "# Benchmarks\n\nintro\n\n");
        section.write(file, section.mark("figures\n"));
        String expected = """
                ## X (`./pfgm bench-x`)
                <!-- x-bench:start -->
                figures
                <!-- x-bench:end -->
                """;
        assertEquals("# Benchmarks\n\nintro\n\n" + expected, Files.readString(file));
        section.write(dir.resolve("new.md"), section.mark("figures\n"));
        assertEquals("# Benchmarks\n\n" + expected, Files.readString(dir.resolve("new.md")));
    }
}
