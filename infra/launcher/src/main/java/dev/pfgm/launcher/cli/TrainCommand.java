package dev.pfgm.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.train.Trainer;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * ./pfgm train: fits a model to a table of points (an MLP) or to images (a U-Net) and writes the
 * model file. Image training also keeps a run folder: loss.csv, preview grids and the checkpoint
 * that --resume continues from.
 */
public final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a model on a table (.npy/.csv/builtin:NAME) or on images";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm train --data FILE --out MODEL [--steps N] [--batch B] [--seed S] [--config FILE.json]",
                "                    [--run DIR] [--resume] [--labels LABELS] [--init MODEL] [--label-column C]",
                "  FILE: a table: .npy (float32/float64, [n, d]), .csv (numeric columns, optional header) or",
                "        builtin:ring8|moons|checkerboard|swissroll|mixture6 (a 6-D Gaussian mixture);",
                "        or images: IDX (*-ubyte, optionally .gz), a .zip of same-size PNGs, a .npy of shape",
                "        [n, h, w], [n, c, h, w] or [n, h, w, c] (uint8 or float), or builtin:discs",
                "  images only: --run DIR (default MODEL.run) receives loss.csv, preview-STEP.png grids and",
                "        checkpoint.ckpt as training goes; --resume continues from DIR/checkpoint.ckpt",
                "        (its settings and step count apply; --steps replaces the count)",
                "  --labels (images, PFGM++): IDX labels, or a .npy/.csv column of integers, one per image:",
                "        trains a class-conditional model (sample --class / --guidance); label_dropout of the",
                "        rows train without their label, for classifier-free guidance",
                "  --label-column C (tables): the column (header name or 0-based index) holding each row's",
                "        class, an integer; it leaves the features and the model is class-conditional",
                "  --init MODEL (images): start from MODEL's weights and settings (--config and flags",
                "        override them); an unconditional MODEL can start a conditional run",
                "  --config: a JSON object overriding any of these settings (flags win over it):",
                "    " + String.join("\n    ", TrainSettings.describe()));
    }

    @Override
    public void run(String[] argv) throws IOException {
        Args a = Args.parse("train", argv, Set.of("data", "out", "steps", "batch", "seed", "config", "run",
                "labels", "init", "label-column"), Set.of("resume"));
        String dataSpec = a.required("data");
        Path out = a.output("out");
        ImageFiles.Loaded loaded = ImageFiles.load(dataSpec, a.string("labels", null), "--data", "--labels");
        int[] labels = null;
        String labelColumn = null;
        if (a.has("label-column")) {
            if (loaded.isImages()) {
                throw new InvalidInputException("--label-column: images take their labels from --labels");
            }
            Labels.Split split = Labels.split(loaded.table(), a.required("label-column"), "--label-column");
            loaded = new ImageFiles.Loaded(split.features(), null, split.labels());
            labels = split.labels();
            labelColumn = split.column();
        }
        if (!loaded.isImages() && (a.has("run") || a.flag("resume") || a.has("init"))) {
            String flag = a.has("run") ? "--run" : a.has("init") ? "--init" : "--resume";
            throw new InvalidInputException(flag + ": checkpoints, run folders and --init"
                    + " are for image training; '" + dataSpec + "' is a table");
        }
        if (a.has("init") && a.flag("resume")) {
            throw new InvalidInputException("--init: a resumed run continues from its checkpoint; give one of"
                    + " --init and --resume");
        }
        PfgmModel init = a.has("init") ? ModelFile.read(Path.of(a.required("init")), "--init") : null;
        TrainSettings settings = init != null ? init.settings() : TrainSettings.defaultsFor(loaded.isImages());
        if (a.has("config")) {
            Path config = Path.of(a.required("config"));
            byte[] bytes = DataFiles.readBytes(config, "--config");
            JsonNode json;
            try {
                json = new ObjectMapper().readTree(bytes);
            } catch (IOException e) {
                throw new InvalidInputException("--config: '" + config + "' is not valid JSON: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            settings = settings.with(json, "--config '" + config + "'");
        }
        var flags = new ObjectMapper().createObjectNode();
        if (a.has("steps")) {
            flags.put("steps", a.integer("steps", 0, 1, 10_000_000));
        }
        if (a.has("batch")) {
            flags.put("batch", a.integer("batch", 0, 1, 65_536));
        }
        if (a.has("seed")) {
            flags.put("seed", a.seed("seed", 0));
        }
        settings = settings.with(flags, "flags");
        if (loaded.isImages()) {
            new ImageTraining(loaded.images(), settings, out,
                    a.has("run") ? Path.of(a.required("run")) : Path.of(out + ".run"), a.flag("resume"),
                    a.has("steps") ? settings.steps() : 0, init, a.has("labels")).run();
            return;
        }
        Dataset data = loaded.table();
        if (data.count() < 2) {
            throw new InvalidInputException("--data: '" + dataSpec + "' has " + data.count()
                    + " row; training needs at least 2");
        }

        System.err.printf(Locale.ROOT, "train: %d points x %d columns from %s, %d steps%s%n", data.count(), data.dim(),
                dataSpec, settings.steps(), labels == null ? "" : ", conditional on " + Labels.counts(labels).length
                        + " classes");
        ProgressBar bar = new ProgressBar("train");
        double[] smooth = {Double.NaN};
        PfgmModel model;
        try {
            model = Trainer.train(data, labels, settings, (step, total, loss) -> {
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

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
