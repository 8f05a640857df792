package dev.pfgm.launcher.cli;

import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageSet;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** ./pfgm classifier train: fits the domain classifier that ./pfgm eval measures samples with. */
public final class ClassifierCommand implements Command {
    @Override
    public String name() {
        return "classifier";
    }

    @Override
    public String summary() {
        return "train the image classifier used by eval (classifier train ...)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: ./pfgm classifier train --data TRAIN --labels LABELS --out CLASSIFIER [--epochs E] [--seed S]",
                "  TRAIN: images (IDX, .zip of PNGs, .npy); LABELS: IDX labels, or a .npy/.csv column of integers",
                "  a small CNN (3 conv stages, 128 features); a tenth of the images (at most 5,000) is held out",
                "  and its accuracy reported; default 3 epochs");
    }

    @Override
    public void run(String[] argv) throws Exception {
        if (argv.length == 0 || !argv[0].equals("train")) {
            throw new InvalidInputException("classifier: the only subcommand is 'train' (./pfgm classifier train --help)");
        }
        Args a = Args.parse("classifier train", Arrays.copyOfRange(argv, 1, argv.length),
                Set.of("data", "labels", "out", "epochs", "seed"), Set.of());
        String dataSpec = a.required("data");
        String labels = a.required("labels");
        Path out = a.output("out");
        int epochs = a.integer("epochs", 3, 1, 1000);
        long seed = a.seed("seed", 0);
        ImageSet data = ImageFiles.images(dataSpec, labels, "--data", "--labels");
        System.err.printf(Locale.ROOT, "classifier: %d images of %dx%dx%d, %d epochs%n", data.count(), data.channels(),
                data.height(), data.width(), epochs);
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
