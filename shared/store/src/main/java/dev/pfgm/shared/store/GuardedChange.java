package dev.pfgm.shared.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * A change to a row that queued and running jobs may name (a model's or a dataset's delete, a
 * dataset's new labels), in the lock order submit_job keeps: the row is locked first, which waits
 * for a submission writing a job that names it (submit_job holds the row); the jobs are then read
 * by a statement of their own, whose snapshot sees that job; the change is made only when none
 * uses the row. One statement's NOT EXISTS read the jobs as of its start: a delete racing a
 * submission removed what the new job needed.
 */
public final class GuardedChange {
    private GuardedChange() {
    }

    /** What a change did: its result, or the job that uses the row and kept it from happening. */
    public record Outcome<T>(T result, UUID busyWith) {
        public boolean done() {
            return busyWith == null;
        }
    }

    /** The change itself, given the locked row's file key; runs in the caller's transaction. */
    @FunctionalInterface
    interface Change<T> {
        T apply(Connection c, String objectKey) throws SQLException;
    }

    /**
     * Makes {@code change} to {@code table}'s row {@code id} of {@code tenant} unless {@code busySql}
     * (its parameters {@code busyArgs}) finds a job using it; in the caller's transaction. Empty when
     * there is no row.
     */
    static <T> Optional<Outcome<T>> run(Connection c, String table, UUID id, String tenant, Change<T> change,
            String busySql, Object... busyArgs) throws SQLException {
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
                    return Optional.of(new Outcome<>(null, rs.getObject(1, UUID.class)));
                }
            }
        }
        return Optional.of(new Outcome<>(change.apply(c, key), null));
    }

    /** The row's delete: its file key as the result. */
    static Optional<Outcome<String>> delete(Connection c, String table, UUID id, String tenant, String busySql,
            Object... busyArgs) throws SQLException {
        return run(c, table, id, tenant, (conn, key) -> {
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
            return key;
        }, busySql, busyArgs);
    }
}
