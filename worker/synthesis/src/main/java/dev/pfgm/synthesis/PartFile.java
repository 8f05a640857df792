package dev.pfgm.synthesis;

import java.nio.file.Path;

/** One written file of a part: its name, where it lies, its size and SHA-256. */
public record PartFile(String name, Path path, long bytes, String sha256) {
}
