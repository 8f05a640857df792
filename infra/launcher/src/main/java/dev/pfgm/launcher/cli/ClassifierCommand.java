package dev.pfgm.launcher.cli;

import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageSet;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** ./pfgm classifier train: fits the domain classifier that ./pfgm eval measures samples with. */
@Command(name = "classifier", description = "train the image classifier used by eval (classifier train ...)",
        subcommands = ClassifierCommand.Train.class)
public final class ClassifierCommand extends CliCommand {
    @Override
    protected void run() {
        throw new InvalidInputException("classifier: the only subcommand is 'train' (./pfgm classifier train --help)");
    }

    /** ./pfgm classifier train. */
    @Command(name = "train", description = "train the classifier on labelled images",
            footer = {"A small CNN (3 conv stages, 128 features); a tenth of the images (at most 5,000) is held out",
                "and its accuracy reported."})
    static final class Train extends CliCommand {
        @Option(names = "--data", required = true, paramLabel = "TRAIN",
                description = "images (IDX, .zip of PNGs, .npy)")
        String dataSpec;

        @Option(names = "--labels", required = true, paramLabel = "LABELS",
                description = "IDX labels, or a .npy/.csv column of integers")
        String labels;

        @Option(names = "--out", required = true, paramLabel = "CLASSIFIER", description = "the classifier file")
        Path outPath;

        @Option(names = "--epochs", paramLabel = "E", description = "epochs, 1..1000 (default 3)")
        int epochs = 3;

        @Mixin
        SeedOption seed;

        @Override
        protected void run() throws Exception {
            Path out = Check.output("--out", outPath);
            Check.range("--epochs", epochs, 1, 1000);
            long seed = this.seed.value();
            ImageSet data = ImageFiles.images(dataSpec, labels, "--data", "--labels");
            int classes = ClassifierModel.classes(data); // refused before anything is printed
            System.err.printf(Locale.ROOT, "classifier: %d images of %dx%dx%d, %d classes, %d epochs%n", data.count(),
                    data.channels(), data.height(), data.width(), classes, epochs);
            ProgressBar bar = new ProgressBar("classifier");
            long t0 = System.nanoTime();
            ClassifierModel model;
            try {
                model = ClassifierModel.train(data, epochs, seed, (epoch, f, loss) -> bar.update(f,
                        String.format(Locale.ROOT, "epoch %d/%d  loss %.3f", epoch, epochs, loss)));
            } finally {
                bar.close();
            }
            byte[] bytes = model.toBytes();
            DataFiles.writeAtomically(out, o -> o.write(bytes));
            new Summary().put("out", out.toString()).put("classes", model.network().classes())
                    .put("validation_accuracy", model.accuracy()).put("epochs", epochs)
                    .put("seconds", TrainCommand.round((System.nanoTime() - t0) / 1e9)).print();
        }
    }
}
