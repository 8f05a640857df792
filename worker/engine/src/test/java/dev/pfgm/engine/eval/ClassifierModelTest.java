package dev.pfgm.engine.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.data.ProceduralImages;
import org.junit.jupiter.api.Test;

class ClassifierModelTest {
    /**
     * Small discs against large discs: learnable, so held-out accuracy must be high; the weights do
     * not depend on the thread count; the file round-trips.
     */
    @Test
    void learnsDiscSizesAndRoundTrips() throws Exception {
        ImageSet small = ProceduralImages.discs(800, 16, 1.5, 2.0, 1);
        ImageSet large = ProceduralImages.discs(800, 16, 3.5, 4.0, 2);
        float[] px = new float[1600 * 256];
        int[] labels = new int[1600];
        for (int i = 0; i < 800; i++) {
            System.arraycopy(small.pixels(), i * 256, px, (2 * i) * 256, 256);
            System.arraycopy(large.pixels(), i * 256, px, (2 * i + 1) * 256, 256);
            labels[2 * i + 1] = 1;
        }
        ImageSet data = new ImageSet("two sizes", px, 1600, 1, 16, 16, false, labels, "two-sizes");
        ClassifierModel c = ClassifierModel.train(data, 3, 7, 2, (e, f, loss) -> { });
        assertTrue(c.accuracy() >= 0.95, "held-out accuracy " + c.accuracy());
        // one replica or two: the chunks and the order their gradients are summed in are fixed
        ClassifierModel serial = ClassifierModel.train(data, 3, 7, 1, (e, f, loss) -> { });
        assertArrayEquals(c.network().parameters(), serial.network().parameters(), 0f);
        ClassifierModel back = ClassifierModel.read(c.toBytes(), "round trip");
        assertEquals(c.accuracy(), back.accuracy());
        float[] p1 = new float[20 * 2];
        float[] p2 = new float[20 * 2];
        c.classify(px, 20, p1, null);
        back.classify(px, 20, p2, null);
        assertArrayEquals(p1, p2, 1e-6f);
    }

    @Test
    void oneLabelIsRefusedWhateverItIs() {
        ImageSet discs = ProceduralImages.discs(40, 8, 1.5, 2.0, 1);
        int[] threes = new int[40];
        java.util.Arrays.fill(threes, 3);
        ImageSet one = new ImageSet("threes", discs.pixels(), 40, 1, 8, 8, false, threes, "threes");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ClassifierModel.train(one, 1, 7, 1, (ep, f, loss) -> { }));
        assertTrue(e.getMessage().contains("every image has label 3; need at least 2 classes"), e.getMessage());
    }
}
