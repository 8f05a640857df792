package dev.pfgm.worker;

import dev.pfgm.engine.train.TrainListener;
import java.util.Locale;

/**
 * A training step's report to the job: progress with the smoothed loss (an exponential average,
 * one step's loss is noisy), and a loss metric event at the first step, then at most once a second
 * and at the last step.
 */
final class LossReporter implements TrainListener {
    private final ProgressReporter progress;
    private double smooth = Double.NaN;
    private long lastMetric;
    /** Whether a metric was written yet: the first step's always is. */
    private boolean reported;

    LossReporter(ProgressReporter progress) {
        this.progress = progress;
    }

    @Override
    public void onStep(int step, int total, double loss) {
        smooth = Double.isNaN(smooth) ? loss : 0.98 * smooth + 0.02 * loss;
        long now = progress.now();
        if (!reported || now - lastMetric > 1_000_000_000L || step == total) {
            reported = true;
            lastMetric = now;
            progress.metric("loss", smooth, step);
        }
        progress.update(step, total, String.format(Locale.ROOT, "step %d/%d, loss %.4g", step, total, smooth));
    }
}
