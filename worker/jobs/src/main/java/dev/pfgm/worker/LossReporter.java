package dev.pfgm.worker;

import dev.pfgm.engine.train.TrainListener;
import dev.pfgm.shared.job.Throttle;
import java.util.Locale;

/**
 * A training step's report to the job: progress with the smoothed loss (an exponential average,
 * one step's loss is noisy), and a loss metric event at the first step, then at most once a second
 * and at the last step.
 */
final class LossReporter implements TrainListener {
    private final ProgressReporter progress;
    private final Throttle metrics;
    private double smooth = Double.NaN;

    LossReporter(ProgressReporter progress) {
        this.progress = progress;
        this.metrics = new Throttle(progress::now, Throttle.SECOND, true);
    }

    @Override
    public void onStep(int step, int total, double loss) {
        smooth = Double.isNaN(smooth) ? loss : 0.98 * smooth + 0.02 * loss;
        if (metrics.pass() || step == total) {
            progress.metric("loss", smooth, step);
        }
        progress.update(step, total, String.format(Locale.ROOT, "step %d/%d, loss %.4g", step, total, smooth));
    }
}
