package dev.pfgm.engine.train;

/** Told after every optimiser step; may throw to stop training (cancellation). */
@FunctionalInterface
public interface TrainListener {
    TrainListener NONE = (step, total, loss) -> { };

    void onStep(int step, int total, double loss);
}
