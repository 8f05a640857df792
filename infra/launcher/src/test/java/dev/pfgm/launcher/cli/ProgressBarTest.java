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
}
