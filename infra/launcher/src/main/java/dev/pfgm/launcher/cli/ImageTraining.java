package dev.pfgm.launcher.cli;

import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.train.Checkpoint;
import dev.pfgm.engine.train.ImageTrainer;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.ImageSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The image branch of ./pfgm train: U-Net training with a run folder (loss.csv, previews, checkpoint).
 *
 * @param steps the --steps flag, or 0 when absent (a resumed run then keeps its checkpoint's count)
 */
record ImageTraining(ImageSet data, TrainSettings settings, Path out, Path runDir, boolean resume, int steps, PfgmModel init, boolean conditional) {
    static final String CHECKPOINT = "checkpoint.ckpt";
    static final String LOSS = "loss.csv";

    /** Whether the run writes a file of this name into its folder (it would replace an input of that name there). */
    static boolean writes(String fileName) {
        return fileName.equals(CHECKPOINT) || fileName.equals(LOSS) || fileName.matches("preview-[0-9]+\\.png");
    }

    void run() throws IOException {
        Checkpoint from = null;
        Path ckpt = runDir.resolve(CHECKPOINT);
        if (resume) {
            if (!Files.isRegularFile(ckpt)) {
                throw new InvalidInputException("--resume: no checkpoint at '" + ckpt + "'");
            }
            from = Checkpoint.read(DataFiles.readBytes(ckpt, "--resume"), "--resume '" + ckpt + "'");
        }
        // every refusal comes before anything is printed or written
        ImageTrainer.Start start = ImageTrainer.prepare(data, settings, from, init, conditional, steps);
        boolean finished = from != null && from.step() >= start.settings().steps();
        if (finished && Files.exists(out)) {
            // resuming a finished run rewrote the model with a new training time and trained nothing
            throw new InvalidInputException("--resume: the run in '" + runDir + "' finished at step " + from.step()
                    + " and '" + out + "' exists; give --steps above " + from.step() + " to train on");
        }
        DataFiles.createFolder(runDir, "--run");
        System.err.printf(Locale.ROOT, "train: %d images of %dx%dx%d from %s, %s%d steps; run folder %s%n",
                data.count(), data.channels(), data.height(), data.width(), data.source(), finished
                        ? "the checkpoint is the last step (the model is written from it) of "
                        : from == null ? "" : "resuming at step " + start.firstStep() + " of ",
                start.settings().steps(), runDir);
        ProgressBar bar = new ProgressBar("train");
        StringBuilder lossCsv = new StringBuilder("step,loss\n");
        if (from != null) {
            for (int i = 0; i < from.step(); i++) {
                lossCsv.append(i + 1).append(',').append(String.format(Locale.ROOT, "%.6g", from.losses()[i])).append('\n');
            }
        }
        double[] smooth = {Double.NaN};
        PfgmModel model;
        try {
            model = ImageTrainer.train(start, new ImageTrainer.Listener() {
                @Override
                public void onStep(int step, int steps, double loss) {
                    smooth[0] = Double.isNaN(smooth[0]) ? loss : 0.98 * smooth[0] + 0.02 * loss;
                    lossCsv.append(step).append(',').append(String.format(Locale.ROOT, "%.6g", loss)).append('\n');
                    if (step % 100 == 0 || step == steps) {
                        write(runDir.resolve(LOSS), lossCsv.toString().getBytes(StandardCharsets.UTF_8));
                    }
                    bar.update((double) step / steps, String.format(Locale.ROOT, "step %d/%d  loss %.3g", step, steps,
                            smooth[0]));
                }

                @Override
                public void onCheckpoint(int step, Checkpoint checkpoint) {
                    write(ckpt, checkpoint.toBytes());
                }

                @Override
                public void onPreview(int step, byte[] png) {
                    write(runDir.resolve(String.format(Locale.ROOT, "preview-%07d.png", step)), png);
                }
            });
        } finally {
            bar.close();
        }
        ModelFile.write(model, out);
        new Summary().put("model", out.toString()).put("steps", model.settings().steps())
                .put("seconds", TrainCommand.round(model.provenance().trainSeconds()))
                .put("final_loss", model.provenance().finalLoss()).put("count", data.count()).put("dim", data.dim())
                .put("shape", model.image().shape()).put("z_max", model.settings().zMax())
                .put("run", runDir.toString()).put("data_sha256", data.sha256()).print();
    }

    private static void write(Path path, byte[] bytes) {
        try {
            DataFiles.writeAtomically(path, o -> o.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path + " failed", e);
        }
    }
}
