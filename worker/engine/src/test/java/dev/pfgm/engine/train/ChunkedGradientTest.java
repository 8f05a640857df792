package dev.pfgm.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pfgm.engine.nn.conv.UNet;
import dev.pfgm.engine.nn.conv.UNetSpec;
import dev.pfgm.engine.random.SeedPlan;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChunkedGradientTest {
    private static final UNetSpec SPEC = new UNetSpec(1, 12, 12, 8, 1, 3);

    /**
     * A batch of 40 rows (chunks of 32 and 8, so the weighting of unequal chunks counts) gives the
     * whole-batch loss and gradient, and the same bits on one thread as on two; after an update
     * the replica computes with the new weights.
     */
    @Test
    void chunksGiveTheWholeBatchGradientOnAnyThreadCount() {
        int n = 40;
        int dim = 144;
        SplittableRandom rng = new SplittableRandom(3);
        double[] x = new double[n * dim];
        double[] z = new double[n];
        double[] target = new double[n * (dim + 1)];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            z[i] = 0.05 + 3 * rng.nextDouble();
        }
        for (int i = 0; i < target.length; i++) {
            target[i] = rng.nextGaussian();
        }
        UNet whole = net();
        float[] expected = new float[whole.parameters().length];
        double expectedLoss = whole.lossAndGradient(x, z, target, n, new double[n * dim], new double[n * dim], 5.0,
                expected);

        UNet one = net();
        UNet two = net();
        float[] g1 = new float[expected.length];
        float[] g2 = new float[expected.length];
        try (ChunkedGradient serial = new ChunkedGradient(one, n, 1);
             ChunkedGradient parallel = new ChunkedGradient(two, n, 2)) {
            assertEquals(2, parallel.chunks());
            assertEquals(2, parallel.replicas());
            double l1 = serial.lossAndGradient(x, z, target, n, 5.0, g1);
            double l2 = parallel.lossAndGradient(x, z, target, n, 5.0, g2);
            assertEquals(expectedLoss, l1, 1e-6 * Math.abs(expectedLoss));
            assertEquals(l1, l2, 0.0);
            assertArrayEquals(g1, g2, 0f);
            double scale = 0;
            for (float v : expected) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], g1[k], 1e-4 * scale, "weight " + k);
            }

            // an optimiser step on the masters: both replicas must follow
            for (UNet u : new UNet[] {one, two, whole}) {
                float[] p = u.parameters();
                for (int k = 0; k < p.length; k++) {
                    p[k] -= 0.01f * expected[k];
                }
            }
            whole.commit();
            serial.commit();
            parallel.commit();
            expectedLoss = whole.lossAndGradient(x, z, target, n, new double[n * dim], new double[n * dim], 5.0,
                    expected);
            l1 = serial.lossAndGradient(x, z, target, n, 5.0, g1);
            l2 = parallel.lossAndGradient(x, z, target, n, 5.0, g2);
            assertEquals(expectedLoss, l1, 1e-6 * Math.abs(expectedLoss));
            assertEquals(l1, l2, 0.0);
            assertArrayEquals(g1, g2, 0f);
        }
    }

    private static UNet net() {
        UNet u = new UNet(SPEC, 0.5);
        u.initialise(SeedPlan.forItem(9, 0));
        return u;
    }
}
