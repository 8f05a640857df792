package dev.pfgm.launcher.cli;

import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.ImageFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --model MODEL: the model file a command reads. */
final class ModelOption {
    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "the model file")
    Path path;

    /**
     * Whether {@code loaded}, read from the training data's path that {@code model} recorded, is no
     * longer the data it was trained on (another file there now, or the file changed): by checksum.
     */
    static boolean notTrainedOn(PfgmModel model, ImageFiles.Loaded loaded) {
        String recorded = model.provenance().dataSha256();
        String sha256 = loaded.isImages() ? loaded.images().sha256() : loaded.table().sha256();
        return recorded != null && !recorded.isEmpty() && !recorded.equals(sha256);
    }

    /** The message for {@link #notTrainedOn}: {@code option} gives the training data instead. */
    static String notTrainedOnMessage(PfgmModel model, String option) {
        return "the model's recorded training data '" + model.provenance().dataSource() + "' is not the data it was"
                + " trained on (the sha256 differs); give the training data with " + option;
    }

    PfgmModel read() {
        return ModelFile.read(path, "--model");
    }

    /** The model, refused unless it is an image model, saying why ({@code why}: "eval is for image models"). */
    PfgmModel readImage(String why) {
        PfgmModel model = read();
        if (!model.isImage()) {
            throw new InvalidInputException("--model: '" + path + "' is a vector model; " + why);
        }
        return model;
    }
}
