package dev.pfgm.launcher.cli;

import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.shared.data.DataFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --classifier C: the domain classifier whose features and classes judge generated images. */
public final class ClassifierOption {
    @Option(names = "--classifier", paramLabel = "C",
            description = "images: a classifier from ./pfgm classifier train, for the Frechet distance in its features"
                    + " and the class shares")
    Path path;

    public boolean given() {
        return path != null;
    }

    /** The classifier, or null when none was given. */
    public ClassifierModel read() {
        return path == null ? null
                : ClassifierModel.read(DataFiles.readBytes(path, "--classifier"), "--classifier '" + path + "'");
    }
}
