package dev.pfgm.shared.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Reads due outbox rows and marks them sent, for the relay. */
public final class Outbox {
    private final Database db;

    public Outbox(Database db) {
        this.db = db;
    }

    /** One message to publish. */
    public record Message(long id, String topic, String key, String payload) {
    }

    /** A publisher that returns only once the broker has acknowledged every message. */
    @FunctionalInterface
    public interface Publisher {
        void publishAll(List<Message> messages) throws Exception;
    }

    /**
     * Publishes up to {@code limit} due messages and marks them sent, holding their row locks
     * meanwhile (SKIP LOCKED: several relays share the work). If publishing fails nothing is marked
     * and the rows are tried again. Returns how many were sent.
     */
    public int relay(int limit, Publisher publisher) {
        return db.inTransaction(c -> {
            List<Message> batch = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, topic, message_key, payload::text FROM outbox"
                    + " WHERE sent_at IS NULL AND available_at <= now() ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batch.add(new Message(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                }
            }
            if (batch.isEmpty()) {
                return 0;
            }
            try {
                publisher.publishAll(batch);
            } catch (Exception e) {
                throw new IllegalStateException("publishing " + batch.size() + " outbox messages: " + e.getMessage(), e);
            }
            Long[] ids = batch.stream().map(Message::id).toArray(Long[]::new);
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET sent_at = now() WHERE id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("bigint", ids));
                ps.executeUpdate();
            }
            return batch.size();
        });
    }

    /** Seconds until the next delayed message is due, or -1 when none is waiting. */
    public double secondsToNextDue() {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT extract(epoch FROM min(available_at) - now())"
                    + " FROM outbox WHERE sent_at IS NULL");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                double v = rs.getDouble(1);
                return rs.wasNull() ? -1 : Math.max(0, v);
            }
        });
    }
}
