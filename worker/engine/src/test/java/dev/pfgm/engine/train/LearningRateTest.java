package dev.pfgm.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pfgm.engine.model.TrainSettings;
import org.junit.jupiter.api.Test;

class LearningRateTest {

    @Test
    void learningRateWarmsUpThenDecaysToZero() {
        TrainSettings s = TrainSettings.defaults();
        assertEquals(s.lr() / s.warmup(), Trainer.learningRate(s, 1), 1e-15);
        assertEquals(s.lr(), Trainer.learningRate(s, s.warmup()), 1e-15);
        assertEquals(0, Trainer.learningRate(s, s.steps()), 1e-12);
    }
}
