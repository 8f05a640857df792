package dev.pfgm.shared.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EtaTest {
    private static final long SECOND = 1_000_000_000L;

    /** Resumed at 36%, 4% more in a minute: 0.60 / 0.04 minutes = 15 minutes left (not 0.60 / 0.40). */
    @Test
    void ignoresWorkDoneBeforeTheFirstObservation() {
        Eta eta = new Eta();
        assertTrue(Double.isNaN(eta.secondsLeft(0.36, 5 * SECOND)));
        assertEquals(900, eta.secondsLeft(0.40, 65 * SECOND), 1e-9);
        assertEquals(0, eta.secondsLeft(1, 70 * SECOND));
    }

    @Test
    void freshWork() {
        Eta eta = new Eta();
        assertTrue(Double.isNaN(eta.secondsLeft(0, 0)));
        assertTrue(Double.isNaN(eta.secondsLeft(0.0005, SECOND)), "too little progress to judge a rate");
        assertEquals(90, eta.secondsLeft(0.25, 30 * SECOND), 1e-9);
    }
}
