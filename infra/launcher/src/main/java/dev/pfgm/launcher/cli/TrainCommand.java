package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.StrictJson;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * ./pfgm train: fits a model to a table of points (an MLP) or to images (a U-Net) and writes the
 * model file. Image training also keeps a run folder: loss.csv, preview grids and the checkpoint
 * that --resume continues from.
 */
@Command(name = "train", description = "train a model on a table (.npy/.csv/builtin:NAME) or on images",
        footer = {"FILE: a table: .npy (float32/64 or int32/64, [n, d]), .csv (numeric columns, optional header) or",
            "builtin:ring8|moons|checkerboard|swissroll|mixture6 (a 6-D Gaussian mixture); or images: IDX",
            "(*-ubyte, optionally .gz), a .zip of same-size PNGs, a .npy of shape [n, h, w], [n, c, h, w] or",
            "[n, h, w, c] (uint8 or float), or builtin:discs.",
            "--config: a JSON object overriding any of these settings (flags win over it):"},
        modelTransformer = TrainCommand.SettingsHelp.class)
public final class TrainCommand extends CliCommand {
    @Option(names = "--data", required = true, paramLabel = "FILE", description = "the training data")
    String dataSpec;

    @Option(names = "--out", required = true, paramLabel = "MODEL", description = "the model file to write")
    Path outPath;

    @Option(names = "--steps", paramLabel = "N", description = "training steps, 1..10,000,000 (replaces the setting)")
    Integer steps;

    @Option(names = "--batch", paramLabel = "B", description = "batch size, 1..65,536 (replaces the setting)")
    Integer batch;

    @Option(names = "--seed", paramLabel = "S", description = "the random seed, >= 0 (replaces the setting)")
    Long seed;

    @Option(names = "--config", paramLabel = "JSON", description = "a file of settings, a JSON object")
    Path config;

    @Option(names = "--run", paramLabel = "DIR",
            description = "images: the run folder for loss.csv, preview-STEP.png grids and checkpoint.ckpt"
                    + " (default MODEL.run)")
    Path run;

    @Option(names = "--resume", description = "images: continue from DIR/checkpoint.ckpt (its settings and step"
            + " count apply; --steps replaces the count)")
    boolean resume;

    @Option(names = "--labels", paramLabel = "LABELS",
            description = "images, PFGM++: IDX labels, or a .npy/.csv column of integers, one per image: a"
                    + " class-conditional model (sample --class / --guidance); label_dropout of the rows train"
                    + " without their label, for classifier-free guidance")
    String labelsSpec;

    @Option(names = "--init", paramLabel = "MODEL",
            description = "images: start from MODEL's weights and settings (--config and flags override them);"
                    + " an unconditional MODEL can start a conditional run")
    Path initPath;

    @Option(names = "--label-column", paramLabel = "C",
            description = "tables: the column (header name or 0-based index) holding each row's class, an"
                    + " integer; it leaves the features and the model is class-conditional")
    String labelColumnName;

    /** Ends the help with the settings --config takes, from TrainSettings' own list. */
    static final class SettingsHelp implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            String[] footer = spec.usageMessage().footer();
            spec.usageMessage().footer(Stream.concat(Arrays.stream(footer), Arrays.stream(settingsHelp()))
                    .toArray(String[]::new));
            return spec;
        }
    }

    /** The settings, the description column wrapped within 100 columns. */
    private static String[] settingsHelp() {
        List<String> lines = new ArrayList<>();
        for (String setting : TrainSettings.describe()) {
            // describe() pads key, type and default to 40 characters; the rest is prose
            StringBuilder line = new StringBuilder("  ").append(setting, 0, 40);
            for (String word : setting.substring(40).split(" ")) {
                if (line.length() + 1 + word.length() > 99) {
                    lines.add(line.toString());
                    line = new StringBuilder(" ".repeat(42));
                }
                line.append(line.charAt(line.length() - 1) == ' ' ? "" : " ").append(word);
            }
            lines.add(line.toString());
        }
        return lines.toArray(String[]::new);
    }

    @Override
    protected void run() throws IOException {
        Path out = Check.output("--out", outPath);
        ImageFiles.Loaded loaded = ImageFiles.load(dataSpec, labelsSpec, "--data", "--labels");
        if (!dataSpec.startsWith("builtin:")) {
            // the model records where its data was: as an absolute path, read from any folder
            loaded = loaded.withSource(Path.of(dataSpec).toAbsolutePath().normalize().toString());
        }
        int[] labels = null;
        String labelColumn = null;
        if (labelColumnName != null) {
            if (loaded.isImages()) {
                throw new InvalidInputException("--label-column: images take their labels from --labels");
            }
            Labels.Split split = Labels.split(loaded.table(), labelColumnName, "--label-column");
            Labels.everyClassUsed(Labels.counts(split.labels()), "--label-column");
            loaded = new ImageFiles.Loaded(split.features(), null, split.labels());
            labels = split.labels();
            labelColumn = split.column();
        }
        if (loaded.isImages() && loaded.labels() != null) {
            Labels.everyClassUsed(Labels.counts(loaded.labels()), "--labels");
        }
        if (!loaded.isImages() && (run != null || resume || initPath != null)) {
            String flag = run != null ? "--run" : initPath != null ? "--init" : "--resume";
            throw new InvalidInputException(flag + ": checkpoints, run folders and --init"
                    + " are for image training; '" + dataSpec + "' is a table");
        }
        if (resume && (config != null || seed != null || batch != null)) {
            // they were dropped without a word: the checkpoint's settings apply to a resumed run
            String flag = config != null ? "--config" : seed != null ? "--seed" : "--batch";
            throw new InvalidInputException(flag + ": a resumed run keeps its checkpoint's settings (--steps alone"
                    + " changes, the step count); leave " + flag + " out, or start a new run");
        }
        if (initPath != null && resume) {
            throw new InvalidInputException("--init: a resumed run continues from its checkpoint; give one of"
                    + " --init and --resume");
        }
        PfgmModel init = initPath != null ? ModelFile.read(initPath, "--init") : null;
        TrainSettings settings = init != null ? init.settings() : TrainSettings.defaultsFor(loaded.isImages());
        if (config != null) {
            JsonNode json = StrictJson.object(Check.settingsFile("--config", config), "--config '" + config + "'");
            settings = settings.with(json, "--config '" + config + "'");
        }
        var flags = new ObjectMapper().createObjectNode();
        if (steps != null) {
            flags.put("steps", Check.range("--steps", steps, 1, 10_000_000));
        }
        if (batch != null) {
            flags.put("batch", Check.range("--batch", batch, 1, 65_536));
        }
        if (seed != null) {
            flags.put("seed", Check.seed("--seed", seed));
        }
        settings = settings.with(flags, "flags");
        if (loaded.isImages()) {
            Path runDir = run != null ? run : Path.of(out + ".run");
            checkRunKeeps(runDir);
            new ImageTraining(loaded.images(), settings, out, runDir, resume, steps != null ? settings.steps() : 0, init,
                    labelsSpec != null).run();
            return;
        }
        Dataset data = loaded.table();
        if (data.count() < 2) {
            throw new InvalidInputException("--data: '" + dataSpec + "' has " + data.count()
                    + " row; training needs at least 2");
        }

        String header = String.format(Locale.ROOT, "train: %d points x %d columns from %s, %d steps%s", data.count(),
                data.dim(), dataSpec, settings.steps(), labels == null ? "" : ", conditional on "
                        + Labels.counts(labels).length + " classes");
        ProgressBar bar = new ProgressBar("train");
        double[] smooth = {Double.NaN};
        PfgmModel model;
        try {
            model = Trainer.train(data, labels, settings, (step, total, loss) -> {
                if (Double.isNaN(smooth[0])) { // at the first step, once the data passed the trainer's checks
                    System.err.println(header);
                }
                smooth[0] = Double.isNaN(smooth[0]) ? loss : 0.98 * smooth[0] + 0.02 * loss;
                bar.update((double) step / total, String.format(Locale.ROOT, "step %d/%d  loss %.3g", step, total,
                        smooth[0]));
            });
        } finally {
            bar.close();
        }
        if (labelColumn != null) {
            model = model.withLabelColumn(labelColumn);
        }
        ModelFile.write(model, out);
        new Summary().put("model", out.toString()).put("steps", model.settings().steps())
                .put("seconds", round(model.provenance().trainSeconds())).put("final_loss", model.provenance().finalLoss())
                .put("count", data.count()).put("dim", data.dim()).put("data_sha256", data.sha256()).print();
    }

    /**
     * Refuses inputs that the run folder's own files would replace (--config DIR/loss.csv became the
     * loss log): loss.csv, checkpoint.ckpt and preview-N.png in {@code runDir}.
     */
    private void checkRunKeeps(Path runDir) {
        DistinctFiles.notInFolderAs(new String[][] {{"--data", dataSpec}, {"--labels", labelsSpec},
            {"--config", config == null ? null : config.toString()}, {"--init", initPath == null ? null : initPath.toString()}},
                runDir, ImageTraining::writes, "--run", "the run folder");
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
