package dev.pfgm.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.data.ProceduralImages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageTrainerTest {
    private static TrainSettings tiny(int steps) {
        return TrainSettings.imageDefaults().with(new ObjectMapper().createObjectNode().put("steps", steps)
                .put("batch", 16).put("large_batch", 64).put("unet_width", 8).put("unet_levels", 1)
                .put("checkpoint_every", 10).put("preview_every", 20).put("warmup", 5).put("seed", 3), "test");
    }

    /** Interrupted at a checkpoint and resumed, training ends with exactly the weights of an uninterrupted run. */
    @Test
    void resumeContinuesExactly() {
        ImageSet data = ProceduralImages.discs(200, 8, 1.0, 2.0, 5);
        List<Checkpoint> checkpoints = new ArrayList<>();
        List<Integer> previews = new ArrayList<>();
        PfgmModel straight = ImageTrainer.train(data, tiny(30), null, new ImageTrainer.Listener() {
            @Override
            public void onStep(int step, int total, double loss) {
            }

            @Override
            public void onCheckpoint(int step, Checkpoint c) {
                checkpoints.add(c);
            }

            @Override
            public void onPreview(int step, byte[] png) {
                previews.add(step);
                assertEquals((byte) 0x89, png[0], "a PNG");
            }
        });
        assertEquals(List.of(10, 20, 30), checkpoints.stream().map(Checkpoint::step).toList());
        assertEquals(List.of(20, 30), previews);
        // the checkpoint survives its byte form, then training resumes from step 11
        Checkpoint at10 = Checkpoint.read(checkpoints.get(0).toBytes(), "checkpoint");
        PfgmModel resumed = ImageTrainer.train(data, tiny(30), at10, (step, total, loss) -> {
            assertTrue(step > 10, "resumed at step " + step);
        });
        assertArrayEquals(straight.weights(), resumed.weights());
        assertArrayEquals(straight.losses(), resumed.losses());
        ImageSet other = ProceduralImages.discs(200, 8, 1.0, 2.0, 6);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageTrainer.train(other, tiny(30), at10, TrainListener.NONE::onStep));
        assertTrue(e.getMessage().contains("other data"), e.getMessage());
    }

    /** M, z_max and the prior clip follow the paper's rule (math.md section 4) for N = 784. */
    @Test
    void imageHyperparametersScaleWithN() {
        TrainSettings s = TrainSettings.imageDefaults().resolveImages(784, 23.0);
        double m = Math.floor(0.75 * Math.log(23.0 * 23.0 / (2 * Math.sqrt(784) * 1e-4)) / Math.log(1.03)) + 1;
        assertEquals(m, s.maxExponent());
        assertEquals(Math.sqrt(2 / Math.PI) * 0.01 * Math.pow(1.03, m), s.zMax(), 1e-9);
        assertEquals(Math.sqrt(784) * 0.01 * Math.pow(1.03, m), s.upperNorm(), 1e-9);
        assertTrue(s.zMax() > 30 && s.zMax() < 60, "z_max " + s.zMax());
    }
}
