package dev.pfgm.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.job.Eta;
import dev.pfgm.shared.job.Throttle;
import dev.pfgm.shared.store.DependencyWait;
import dev.pfgm.shared.store.Json;
import java.util.function.LongSupplier;

/**
 * Writes a job's progress at most once a second (and always the last value), with an ETA from the
 * rate since the first count ({@link Eta}: a resumed training is not credited with the steps
 * before its checkpoint). Called from engine threads; synchronised because sampling reports from several.
 */
final class ProgressReporter {
    private final JobEvents events;
    private final String owner;
    private final int attempt;
    private final Lease lease;
    private final LongSupplier nanos;
    private final Throttle writes;
    private final Eta eta = new Eta();
    private String phase = "starting";
    /** The message of the latest update, written or not (a preview write repeats it). */
    private String latestMessage;
    private String previewName;
    private int previewStep;

    ProgressReporter(JobEvents events, String owner, int attempt, Lease lease) {
        this(events, owner, attempt, lease, System::nanoTime);
    }

    /** With a clock in nanoseconds, so tests move time instead of waiting. */
    ProgressReporter(JobEvents events, String owner, int attempt, Lease lease, LongSupplier nanos) {
        this.events = events;
        this.owner = owner;
        this.attempt = attempt;
        this.lease = lease;
        this.nanos = nanos;
        this.writes = new Throttle(nanos, Throttle.SECOND, true);
    }

    /** The reporter's clock, in nanoseconds. */
    long now() {
        return nanos.getAsLong();
    }

    synchronized void phase(String message) {
        phase = message;
        write(0, 0, message);
    }

    /** Reports completed of total; also the point where a cancellation or a lost lease stops the work. */
    void update(double completed, double total, String message) {
        lease.check();
        synchronized (this) {
            latestMessage = message;
            if (writes.pass()) {
                write(completed, total, message);
            }
        }
    }

    /**
     * A preview grid uploaded as {@code name} at training step {@code step}: from now on the job's
     * progress names it, so the gateway can show it while the job runs. Written at once.
     */
    synchronized void preview(String name, int step, double total) {
        previewName = name;
        previewStep = step;
        write(step, total, latestMessage);
    }

    /** A log line in the job's events. */
    void log(String line) {
        bestEffort(() -> events.log("log", Json.object().put("message", line).put("attempt", attempt)
                .put("worker", owner)));
    }

    /** A metric in the job's events (written with progress, so at most about once a second). */
    void metric(String name, double value, double at) {
        bestEffort(() -> events.log("metric", Json.object().put("name", name).put("value", value).put("at", at)));
    }

    ObjectNode done(double total, String message) {
        return snapshot(total, total, message);
    }

    private void write(double completed, double total, String message) {
        bestEffort(() -> events.progress(snapshot(completed, total, message)));
        writes.restart();
    }

    /** Progress is for watchers: while the database is away the work goes on and the next write catches up. */
    private static void bestEffort(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            if (!DependencyWait.unavailable(e)) {
                throw e;
            }
        }
    }

    private ObjectNode snapshot(double completed, double total, String message) {
        double fraction = total > 0 ? Math.min(1, completed / total) : 0;
        ObjectNode p = Json.object().put("completed", completed).put("total", total).put("fraction", fraction);
        // phases (total 0) come before the work; its rate starts at the first real count
        double left = total > 0 ? eta.secondsLeft(fraction, nanos.getAsLong()) : Double.NaN;
        if (Double.isNaN(left)) {
            p.putNull("eta_seconds");
        } else {
            p.put("eta_seconds", Math.round(left * 10) / 10.0);
        }
        p.put("message", message == null ? phase : message);
        if (previewName != null) {
            p.putObject("preview").put("name", previewName).put("step", previewStep).put("attempt", attempt);
        }
        return p;
    }
}
