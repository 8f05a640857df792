package dev.pfgm.shared.store;

import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.job.JobTransition;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** Figures for /metrics: jobs by status and how far the queue lags. */
public final class Stats {
    private final Database db;

    public Stats(Database db) {
        this.db = db;
    }

    /** A snapshot. */
    public record Snapshot(Map<String, Long> jobsByStatus, long outboxUnsent, double oldestQueuedSeconds) {
    }

    public Snapshot snapshot() {
        return db.run(c -> {
            Map<String, Long> byStatus = new LinkedHashMap<>();
            for (String s : new String[] {"queued", "running", "cancelling", "succeeded", "failed", "cancelled"}) {
                byStatus.put(s, 0L);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT status, count(*) FROM jobs GROUP BY status");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byStatus.put(rs.getString(1), rs.getLong(2));
                }
            }
            long unsent;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM outbox WHERE sent_at IS NULL");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                unsent = rs.getLong(1);
            }
            double oldest;
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)"
                    + " FROM jobs WHERE " + JobTransition.statusIs(JobStatus.QUEUED)); ResultSet rs = ps.executeQuery()) {
                rs.next();
                oldest = rs.getDouble(1);
            }
            return new Snapshot(byStatus, unsent, oldest);
        });
    }
}
