package dev.pfgm.shared.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * The delete of a row that queued and running jobs may name (a model, a dataset), in the lock order
 * submit_job keeps: the row is locked first, which waits for a submission writing a job that names
 * it (submit_job holds the row); the jobs are then read by a statement of their own, whose snapshot
 * sees that job; the row goes only when none uses it. One statement's NOT EXISTS read the jobs as of
 * its start: a delete racing a submission removed what the new job needed.
 */
public final class GuardedDelete {
    private GuardedDelete() {
    }

    /** What a delete did: the row's file key when it was deleted, or the job that keeps it. */
    public record Outcome(String objectKey, UUID busyWith) {
        public boolean done() {
            return objectKey != null;
        }
    }

    /**
     * Deletes {@code table}'s row {@code id} of {@code tenant} unless {@code busySql} (its parameters
     * {@code busyArgs}) finds a job using it; in the caller's transaction. Empty when there is no row.
     */
    static Optional<Outcome> run(Connection c, String table, UUID id, String tenant, String busySql,
            Object... busyArgs) throws SQLException {
        String key;
        try (PreparedStatement ps = c.prepareStatement("SELECT object_key FROM " + table
                + " WHERE id = ? AND tenant = ? FOR UPDATE")) {
            ps.setObject(1, id);
            ps.setString(2, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                key = rs.getString(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(busySql)) {
            for (int i = 0; i < busyArgs.length; i++) {
                ps.setObject(i + 1, busyArgs[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Optional.of(new Outcome(null, rs.getObject(1, UUID.class)));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
        return Optional.of(new Outcome(key, null));
    }
}
