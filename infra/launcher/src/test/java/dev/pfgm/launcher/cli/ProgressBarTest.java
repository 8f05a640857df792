package dev.pfgm.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long now;

    /** A bar as in logs (a line per tenth of the work) on a clock the test moves. */
    private ProgressBar bar(String label) {
        return new ProgressBar(label, new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> now);
    }

    /** A bar on a terminal: one line redrawn in place. */
    private ProgressBar terminalBar(String label) {
        return new ProgressBar(label, new PrintStream(bytes, true, StandardCharsets.UTF_8), true, () -> now);
    }

    private String[] lines() {
        return bytes.toString(StandardCharsets.UTF_8).split("\n");
    }

    /** A run resumed at 36% that does 4% in a minute has 15 minutes to go, not 9 (60 s x 0.60 / 0.40). */
    @Test
    void etaCountsOnlyTheWorkDoneSinceTheStart() {
        ProgressBar bar = bar("train");
        bar.update(0.36, "step 4501");
        now += 60_000_000_000L;
        bar.update(0.40, "step 5000");
        String[] out = lines();
        assertEquals(2, out.length);
        assertTrue(out[0].endsWith("ETA --:--"), out[0]);
        assertTrue(out[1].contains("elapsed 1:00") && out[1].endsWith("ETA 15:00"), out[1]);
    }

    @Test
    void freshWorkAndTheEnd() {
        ProgressBar bar = bar("sample");
        bar.update(0, "start");
        now += 30_000_000_000L;
        bar.update(0.25, "a quarter");
        now += 90_000_000_000L;
        bar.update(1, "done");
        String[] out = lines();
        assertEquals(3, out.length);
        assertTrue(out[1].endsWith("ETA 1:30"), out[1]);
        assertTrue(out[2].contains(" 100%") && out[2].endsWith("ETA 0:00"), out[2]);
    }

    @Test
    void aTerminalBarRedrawsAtMostTenTimesASecondAndAlwaysTheEnd() {
        ProgressBar bar = terminalBar("train");
        bar.update(0.1, "step 1");
        now += 50_000_000L;
        bar.update(0.2, "step 2");
        now += 60_000_000L;
        bar.update(0.3, "step 3");
        now += 10_000_000L;
        bar.update(1, "done");
        bar.update(1, "again");
        String out = bytes.toString(StandardCharsets.UTF_8);
        String[] draws = out.split("\r", -1);
        assertEquals(4, draws.length, "three draws, each starting with a carriage return: " + out);
        assertTrue(draws[1].contains("step 1") && draws[2].contains("step 3") && draws[3].contains("done"), out);
        assertTrue(!out.contains("step 2") && !out.contains("again"), "50 ms after a draw, and after the end: " + out);
        assertTrue(draws[3].endsWith("\n") && !draws[2].endsWith("\n"), "one line, ended at the end");
    }

    @Test
    void closingEndsAnOpenLineOnlyWhenOneWasDrawn() {
        terminalBar("sample").close();
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "nothing drawn, nothing to end");
        ProgressBar bar = terminalBar("sample");
        bar.update(0.5, "half");
        bar.close();
        bar.update(0.9, "after the close");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\r") && out.endsWith("\n") && out.contains("half") && !out.contains("after"), out);
    }
}
