package dev.pfgm.gateway.sweep;

import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.ObjectStore;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the files of jobs past their retention (PFGM_RETENTION_DAYS after they finished) and marks
 * them, so that their artifacts answer 410. A model's file stays while the model exists. Each
 * gateway sweeps; claims skip rows another gateway holds, so none is swept twice.
 */
public final class RetentionSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);
    private static final int BATCH = 50;
    private final JobStore jobs;
    private final ObjectStore objects;
    private final int days;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pfgm-retention");
        t.setDaemon(true);
        return t;
    });

    public RetentionSweeper(JobStore jobs, ObjectStore objects, int days) {
        this.jobs = jobs;
        this.objects = objects;
        this.days = days;
    }

    /** Sweeps every {@code seconds}; does nothing when retention is 0 (files are kept for ever). */
    public RetentionSweeper start(int seconds) {
        if (days > 0) {
            var unused = timer.scheduleWithFixedDelay(this::sweep, seconds, seconds, TimeUnit.SECONDS); // ends with the timer
        }
        return this;
    }

    /** One round: claims and empties batches until none is left. */
    public int sweep() {
        int swept = 0;
        try {
            List<JobStore.Expiring> batch;
            do {
                batch = jobs.claimExpired(days, BATCH);
                for (JobStore.Expiring e : batch) {
                    try {
                        for (String key : objects.list("jobs/" + e.id() + "/")) {
                            if (!e.keep().contains(key)) {
                                objects.delete(key);
                            }
                        }
                        swept++;
                    } catch (RuntimeException ex) {
                        jobs.unexpire(e.id()); // tried again next round
                        LOG.warn("retention: files of job {} not deleted: {}", e.id(), ex.getMessage());
                    }
                }
            } while (batch.size() == BATCH);
        } catch (RuntimeException e) {
            LOG.warn("retention sweep: {}", e.getMessage());
        }
        if (swept > 0) {
            LOG.info("retention: deleted the files of {} job(s) finished over {} days ago", swept, days);
        }
        return swept;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
