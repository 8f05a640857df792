package dev.pfgm.launcher.cli;

import dev.pfgm.shared.job.Eta;
import dev.pfgm.shared.job.Throttle;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar with elapsed time and ETA on stderr. On a terminal it redraws one line at most
 * ten times a second; otherwise (logs, CI) it prints a line at every tenth of the work. The ETA
 * comes from the rate since the first update, so work that starts part done (a resumed training)
 * is not credited with the part done before ({@link Eta}).
 */
public final class ProgressBar {
    private static final int WIDTH = 28;

    private final String label;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long started;
    private final Eta eta = new Eta();
    /** Terminal redraws, at most ten a second (the last one always). */
    private final Throttle draws;
    private boolean drawn;
    private int lastDecile = -1;
    private boolean finished;

    public ProgressBar(String label) {
        this(label, System.err, System.console() != null);
    }

    ProgressBar(String label, PrintStream out, boolean terminal) {
        this(label, out, terminal, System::nanoTime);
    }

    ProgressBar(String label, PrintStream out, boolean terminal, LongSupplier clock) {
        this.label = label;
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.started = clock.getAsLong();
        this.draws = new Throttle(clock, Throttle.SECOND / 10, true);
    }

    /** @param fraction done, in [0, 1]; {@code detail} is appended (counts, loss) */
    public synchronized void update(double fraction, String detail) {
        if (finished) {
            return;
        }
        double f = Math.max(0, Math.min(1, fraction));
        long now = clock.getAsLong();
        if (terminal) {
            if (!draws.pass() && f < 1) {
                return;
            }
            drawn = true;
            out.print("\r" + line(f, detail, now) + "\u001b[K");
            if (f >= 1) {
                out.println();
                finished = true;
            }
            out.flush();
        } else {
            int decile = (int) Math.floor(f * 10);
            if (decile > lastDecile) {
                lastDecile = decile;
                out.println(line(f, detail, now));
                out.flush();
                if (f >= 1) {
                    finished = true;
                }
            }
        }
    }

    /** Ends the bar's line if it was left open (on failure, say). */
    public synchronized void close() {
        if (terminal && !finished && drawn) {
            out.println();
        }
        finished = true;
    }

    private String line(double f, String detail, long now) {
        int filled = (int) Math.round(f * WIDTH);
        double elapsed = (now - started) / 1e9;
        double left = eta.secondsLeft(f, now);
        return String.format(Locale.ROOT, "%-7s [%s%s] %3d%%  %s  elapsed %s  ETA %s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), (int) Math.floor(f * 100), detail, time(elapsed), Double.isNaN(left) ? "--:--" : time(left));
    }

    static String time(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
