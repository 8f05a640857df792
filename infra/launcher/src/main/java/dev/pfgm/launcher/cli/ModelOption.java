package dev.pfgm.launcher.cli;

import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.InvalidInputException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --model MODEL: the model file a command reads. */
final class ModelOption {
    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "the model file")
    Path path;

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
