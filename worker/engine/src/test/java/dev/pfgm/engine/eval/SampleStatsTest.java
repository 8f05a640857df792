package dev.pfgm.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pfgm.engine.sample.ChunkRunner;
import dev.pfgm.shared.InvalidInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SampleStatsTest {
    @Test
    void ksEndsOnNaNAndMeasuresTheShiftItKnows() {
        assertEquals(0.5, SampleStats.ks(new double[] {1, 2, 3, 4}, new double[] {3, 4, 5, 6}), 1e-12);
        // a NaN advanced neither index: a synthesis report spun for ever on rows that overflowed
        double d = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> SampleStats.ks(new double[] {1, Double.NaN, 2}, new double[] {1, 2, 3}));
        assertEquals(1.0 / 3, d, 1e-12);
    }

    /**
     * A set shifted by c: each direction u sees W1 = |c . u|, so in one dimension exactly |c|, and in
     * two the mean of |c . u| over the circle, 2 |c| / pi; the same set is at 0, even when the sizes differ.
     */
    @Test
    void slicedWassersteinMeasuresAShift() {
        double[] a = {1, 2, 3, 4};
        double[] b = {1.5, 2.5, 3.5, 4.5};
        assertEquals(0.5, SampleStats.slicedWasserstein(a, 4, b, 4, 1, 7), 1e-12);
        assertEquals(0, SampleStats.slicedWasserstein(a, 4, new double[] {1, 1, 2, 2, 3, 3, 4, 4}, 8, 1, 7), 1e-12);
        int n = 200;
        double[] p = new double[2 * n];
        double[] q = new double[2 * n];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 2 * n; i++) {
            p[i] = r.nextGaussian();
            q[i] = p[i] + (i % 2 == 0 ? 3 : 4);
        }
        assertEquals(10 / Math.PI, SampleStats.slicedWasserstein(p, n, q, n, 2, 20_000, 9), 0.01 * 10 / Math.PI);
        // the default 64 directions: the same law, noisier
        assertEquals(10 / Math.PI, SampleStats.slicedWasserstein(p, n, q, n, 2, 9), 0.1 * 10 / Math.PI);
    }

    @Test
    void aThreadCountThatIsNotOneIsRefused() {
        String was = System.getProperty("pfgm.threads");
        try {
            for (String bad : new String[] {"0", "-1", "abc", "99999999999"}) {
                System.setProperty("pfgm.threads", bad);
                InvalidInputException e = assertThrows(InvalidInputException.class, ChunkRunner::threads);
                assertEquals("PFGM_THREADS: '" + bad + "' is not a thread count from 1 to 9999", e.getMessage());
            }
            System.setProperty("pfgm.threads", "3");
            assertEquals(3, ChunkRunner.threads());
        } finally {
            if (was == null) {
                System.clearProperty("pfgm.threads");
            } else {
                System.setProperty("pfgm.threads", was);
            }
        }
    }
}
