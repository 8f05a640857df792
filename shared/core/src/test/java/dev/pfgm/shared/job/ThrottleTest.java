package dev.pfgm.shared.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** At most one pass an interval, on a clock the test moves; open or closed at the start; restarted by an outside action. */
class ThrottleTest {
    private long now = -5 * Throttle.SECOND;

    @Test
    void anOpenThrottlePassesAtOnceThenOnceAnInterval() {
        Throttle t = new Throttle(() -> now, Throttle.SECOND, true);
        assertTrue(t.pass(), "open: the first call passes");
        assertFalse(t.pass(), "at once again: no");
        now += Throttle.SECOND - 1;
        assertFalse(t.pass(), "a nanosecond short of the interval");
        now += 1;
        assertTrue(t.pass(), "a whole interval since the last pass");
        now += Throttle.SECOND / 2;
        assertFalse(t.pass(), "the interval counts from the last pass");
    }

    @Test
    void aClosedThrottleWaitsAnIntervalFromItsStart() {
        Throttle t = new Throttle(() -> now, Throttle.SECOND, false);
        assertFalse(t.pass());
        now += Throttle.SECOND;
        assertTrue(t.pass());
    }

    @Test
    void aRestartStartsTheIntervalAgain() {
        Throttle t = new Throttle(() -> now, Throttle.SECOND, true);
        now += 3 * Throttle.SECOND / 4;
        t.restart();
        now += 3 * Throttle.SECOND / 4;
        assertFalse(t.pass(), "0.75 s since the restart, though 1.5 s since the start");
        now += Throttle.SECOND / 4;
        assertTrue(t.pass());
    }
}
