package dev.pfgm.launcher.cli;

import dev.pfgm.shared.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Refuses a run whose output names one of its inputs, or another of its outputs: the output is
 * written over the file (encode --out MODEL replaced the model with latents). The one exception is
 * train's --out naming its --init model: a model replaced by its further-trained self, written once
 * the run ends, as a user retraining in place means.
 */
final class DistinctFiles {
    private static final Set<String> OUTPUTS = Set.of("--out", "--grid", "--write", "--run");
    private static final Set<String> INPUTS = Set.of("--model", "--data", "--latent", "--labels", "--init",
            "--config", "--holdout", "--classifier", "--train", "--image-model", "--vector-model", "--env");

    private DistinctFiles() {
    }

    static void check(ParseResult parsed) {
        List<Named> outputs = new ArrayList<>();
        List<Named> inputs = new ArrayList<>();
        for (OptionSpec option : parsed.matchedOptions()) {
            Path path = path(option.getValue());
            if (path == null) {
                continue;
            }
            if (OUTPUTS.contains(option.longestName())) {
                outputs.add(new Named(option.longestName(), path));
            } else if (INPUTS.contains(option.longestName())) {
                inputs.add(new Named(option.longestName(), path));
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            Named out = outputs.get(i);
            for (Named in : inputs) {
                boolean retrainInPlace = out.flag.equals("--out") && in.flag.equals("--init");
                if (!retrainInPlace && same(out.path, in.path)) {
                    throw new InvalidInputException(out.flag + ": '" + out.path + "' is the file " + in.flag
                            + " reads; writing it would replace it: give another path");
                }
            }
            for (Named other : outputs.subList(0, i)) {
                if (same(out.path, other.path)) {
                    throw new InvalidInputException(out.flag + ": '" + out.path + "' is also " + other.flag
                            + "; give each output its own path");
                }
            }
        }
    }

    private static Path path(Object value) {
        if (value instanceof Path path) {
            return path;
        }
        if (value instanceof String text && !text.isEmpty()) {
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                return null; // the command's own check names the flag and the problem
            }
        }
        return null;
    }

    /**
     * Refuses inputs ({@code {option, value}} pairs; null values and builtin data pass) that lie in
     * {@code folder} under a name the command writes there ({@code writes}): the run would replace
     * them (train's run folder, synthesize's output folder).
     */
    static void notInFolderAs(String[][] inputs, Path folder, Predicate<String> writes, String folderOption,
            String folderRole) {
        Path dir = folder.toAbsolutePath().normalize();
        for (String[] in : inputs) {
            if (in[1] == null || in[1].startsWith("builtin:")) {
                continue;
            }
            Path p;
            try {
                p = Path.of(in[1]).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                continue; // no file by that name: reading it reports the problem
            }
            Path parent = p.getParent();
            if (parent != null && p.getFileName() != null && writes.test(p.getFileName().toString())
                    && same(parent, dir)) {
                throw new InvalidInputException(in[0] + ": '" + in[1] + "' is in " + folderRole + " '" + folder
                        + "', where the command writes its own " + p.getFileName() + ": move the file or give"
                        + " another " + folderOption);
            }
        }
    }

    static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b); // a link or another spelling of the same file
            }
        } catch (IOException | SecurityException e) {
            // unreadable: compared by name below, and the command's own check reports the rest
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private record Named(String flag, Path path) {
    }
}
