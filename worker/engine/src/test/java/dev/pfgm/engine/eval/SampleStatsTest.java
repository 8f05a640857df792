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
