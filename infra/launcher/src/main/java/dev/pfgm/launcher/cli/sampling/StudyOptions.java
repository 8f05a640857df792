package dev.pfgm.launcher.cli.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.launcher.cli.Check;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** --methods, --train-seed, --config and --out: what the sampling and likelihood studies share. */
final class StudyOptions {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--methods", paramLabel = "M,M",
            description = "methods to train: pfgm, pfgmpp:D (D the augmented dimensions), diffusion")
    String methods;

    @Option(names = "--train-seed", paramLabel = "S", description = "the training seed, >= 0 (default 0)")
    long trainSeed;

    @Option(names = "--config", paramLabel = "FILE.json",
            description = "training settings for every method (not aug_dim, steps or seed)")
    Path config;

    @Option(names = "--out", paramLabel = "DIR", description = "where OUT/NAME/ is written")
    Path out;

    List<SamplingStudy.Method> methods(String fallback) {
        List<SamplingStudy.Method> list = new ArrayList<>();
        for (String t : (methods == null ? fallback : methods).split(",", -1)) {
            list.add(SamplingStudy.Method.parse(t.trim()));
        }
        return list;
    }

    long trainSeed() {
        return Check.seed("--train-seed", trainSeed);
    }

    /**
     * The folder OUT/NAME/ goes in, checked before the study runs (a file there was found at its
     * end) but made only when the study writes: a refused run leaves no folder behind.
     */
    Path out(String fallback) {
        Path dir = (out == null ? Path.of(fallback) : out).toAbsolutePath();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidInputException("--out: '" + dir + "' is a file; give a folder (it is created if missing)");
        }
        return dir;
    }

    /** What a refusal for too few held-out rows suggests: a lower --count, unless it is at its least. */
    static String lowerCount(int count) {
        return count > MIN_COUNT ? " (lower --count)"
                : " (" + MIN_COUNT + ", the least --count, is too many: give more data)";
    }

    /** The least --count the studies take. */
    static final int MIN_COUNT = 20;

    /** --config: training settings for every method, a JSON object without aug_dim, steps or seed. */
    JsonNode config() throws IOException {
        if (config == null) {
            return JSON.createObjectNode();
        }
        JsonNode extra = StrictJson.object(Check.settingsFile("--config", config),
                "--config '" + config + "'");
        if (extra.has("aug_dim") || extra.has("steps") || extra.has("seed")) {
            throw new InvalidInputException("--config: aug_dim, steps and seed come from --methods, --steps and"
                    + " --train-seed");
        }
        return extra;
    }

    /** The command as it was typed, for the report's "measured with" line. */
    static String commandLine(CommandSpec spec) {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        int at = args.indexOf(spec.name());
        return "./pfgm " + String.join(" ", args.subList(Math.max(0, at), args.size()));
    }
}
