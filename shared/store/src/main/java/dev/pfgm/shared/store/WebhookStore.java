package dev.pfgm.shared.store;

import java.security.SecureRandom;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhook endpoints, the tenant secret that signs deliveries to jobs' own URLs, and the deliveries
 * (written by the jobs_webhooks trigger of migration V8; sent and recorded here).
 */
public final class WebhookStore {
    public static final List<String> EVENTS = List.of("job.succeeded", "job.failed", "job.cancelled", "job.progress");
    /** Endpoints a tenant may have at once. */
    public static final int MAX_ENDPOINTS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Database db;

    public WebhookStore(Database db) {
        this.db = db;
    }

    /** An endpoint of a tenant. */
    public record Endpoint(UUID id, String url, List<String> events, String secret, OffsetDateTime createdAt) {
        static Endpoint read(ResultSet rs) throws SQLException {
            return new Endpoint(rs.getObject("id", UUID.class), rs.getString("url"), strings(rs.getArray("events")),
                    rs.getString("secret"), rs.getObject("created_at", OffsetDateTime.class));
        }
    }

    /** A delivery due now, claimed for this sender, with its tenant and the secret that signs it. */
    public record Due(UUID id, String tenant, String url, String event, String payload, int attempts, String secret) {
    }

    /** One delivery as the job's log shows it. */
    public record Delivery(UUID id, UUID endpointId, String url, String event, String status, int attempts,
            Integer lastStatus, String lastError, OffsetDateTime createdAt, OffsetDateTime nextAttemptAt,
            OffsetDateTime deliveredAt) {
    }

    /** A new secret in the Standard Webhooks form: whsec_ and 32 random bytes in base64. */
    static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "whsec_" + Base64.getEncoder().encodeToString(b);
    }

    /**
     * A new endpoint, or empty when the tenant has {@link #MAX_ENDPOINTS} already: every job's every
     * event fans out to each endpoint, so their number bounds the deliveries one job writes.
     */
    public Optional<Endpoint> create(String tenant, String url, List<String> events) {
        return db.inTransaction(c -> {
            // one tenant's creations take turns, so two at once cannot both pass the count
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('webhook_endpoints'),"
                    + " hashtext(?))")) {
                ps.setString(1, tenant);
                ps.executeQuery().close();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM webhook_endpoints WHERE tenant = ?")) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) >= MAX_ENDPOINTS) {
                        return Optional.empty();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_endpoints (id, tenant, url, events, secret)"
                    + " VALUES (?, ?, ?, ?, ?) RETURNING *")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, tenant);
                ps.setString(3, url);
                ps.setArray(4, c.createArrayOf("text", events.toArray()));
                ps.setString(5, newSecret());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Optional.of(Endpoint.read(rs));
                }
            }
        });
    }

    public List<Endpoint> list(String tenant) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM webhook_endpoints WHERE tenant = ?"
                    + " ORDER BY created_at, id")) {
                ps.setString(1, tenant);
                List<Endpoint> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Endpoint.read(rs));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Deletes an endpoint; false when the tenant has none with this id. Its deliveries stay in the
     * jobs' logs (their endpoint becomes null), and the pending ones end as failed: one sent later
     * would be signed with the tenant's job secret, not the endpoint's.
     */
    public boolean delete(String tenant, UUID id) {
        return db.inTransaction(c -> {
            // the row locked first: a delivery being written for it (its key check shares this lock) is
            // committed before the update below reads, and one written after waits for the delete
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM webhook_endpoints WHERE id = ? AND tenant = ?"
                    + " FOR UPDATE")) {
                ps.setObject(1, id);
                ps.setString(2, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET status = 'failed',"
                    + " last_error = 'not sent: the endpoint was deleted' WHERE endpoint_id = ? AND tenant = ?"
                    + " AND status = 'pending'")) {
                ps.setObject(1, id);
                ps.setString(2, tenant);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_endpoints WHERE id = ? AND tenant = ?")) {
                ps.setObject(1, id);
                ps.setString(2, tenant);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The secret signing deliveries to the tenant's jobs' own URLs, made on first use. */
    public String tenantSecret(String tenant) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tenant_webhook_secrets (tenant, secret)"
                    + " VALUES (?, ?) ON CONFLICT (tenant) DO NOTHING")) {
                ps.setString(1, tenant);
                ps.setString(2, newSecret());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT secret FROM tenant_webhook_secrets WHERE tenant = ?")) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    /**
     * Claims up to {@code limit} due deliveries for {@code leaseSeconds} (another sender skips them
     * meanwhile; one that dies leaves them to be sent again after it: at least once), taking turns
     * between tenants: each tenant's oldest first, then each one's second, ..., counting the
     * deliveries this sender still has in flight ({@code inFlight}, by tenant) and at most
     * {@code perTenant} of a tenant's in flight at once. So one tenant's endpoints that never answer
     * hold at most {@code perTenant} of a sender's connections, and a tenant alone may use them all
     * up to that.
     */
    public List<Due> claimDue(int limit, int leaseSeconds, int perTenant, Map<String, Integer> inFlight) {
        return db.run(c -> {
            // no FOR UPDATE (it does not go with window functions): the UPDATE's own re-check of the
            // row (status and time, re-read after another sender's claim commits) keeps a delivery
            // to one sender
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries d"
                    + " SET next_attempt_at = now() + make_interval(secs => ?) WHERE d.id IN ("
                    + "SELECT id FROM (SELECT id, tenant, next_attempt_at,"
                    + " row_number() OVER (PARTITION BY tenant ORDER BY next_attempt_at, id) AS nth"
                    + " FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()) ranked"
                    + " LEFT JOIN unnest(?::text[], ?::int[]) AS flight (tenant, n) USING (tenant)"
                    + " WHERE nth + coalesce(flight.n, 0) <= ?"
                    + " ORDER BY nth + coalesce(flight.n, 0), next_attempt_at LIMIT ?)"
                    + " AND d.status = 'pending' AND d.next_attempt_at <= now()"
                    + " RETURNING id, tenant, url, event, payload::text, attempts, coalesce("
                    + "(SELECT e.secret FROM webhook_endpoints e WHERE e.id = d.endpoint_id),"
                    + " (SELECT s.secret FROM tenant_webhook_secrets s WHERE s.tenant = d.tenant))")) {
                List<String> tenants = List.copyOf(inFlight.keySet());
                ps.setInt(1, leaseSeconds);
                ps.setArray(2, c.createArrayOf("text", tenants.toArray()));
                ps.setArray(3, c.createArrayOf("integer", tenants.stream().map(inFlight::get).toArray()));
                ps.setInt(4, perTenant);
                ps.setInt(5, limit);
                List<Due> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Due(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getInt(6), rs.getString(7)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Records an attempt: delivered, or to be tried again in {@code retrySeconds} (negative: given up).
     * {@code claimedAttempts} is the count the claim read: a late answer to an attempt already recorded
     * by another sender changes nothing.
     */
    public void attempted(UUID id, int claimedAttempts, Integer httpStatus, String error, boolean delivered,
            long retrySeconds) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET attempts = attempts + 1,"
                    + " last_status = ?, last_error = ?,"
                    + " status = CASE WHEN ? THEN 'delivered' WHEN ? < 0 THEN 'failed' ELSE 'pending' END,"
                    + " delivered_at = CASE WHEN ? THEN now() END,"
                    + " next_attempt_at = CASE WHEN ? >= 0 THEN now() + make_interval(secs => ?) ELSE next_attempt_at END"
                    // only the attempt claimed: a sender whose claim ran out and was claimed again records nothing
                    + " WHERE id = ? AND attempts = ? AND status = 'pending'")) {
                Statements.bind(ps, httpStatus, error, delivered, retrySeconds, delivered, retrySeconds,
                        Math.max(0, retrySeconds), id, claimedAttempts);
                return ps.executeUpdate();
            }
        });
    }

    /** A job's deliveries, oldest first. */
    public List<Delivery> deliveries(String tenant, UUID jobId) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM webhook_deliveries WHERE job_id = ?"
                    + " AND tenant = ? ORDER BY created_at, id")) {
                ps.setObject(1, jobId);
                ps.setString(2, tenant);
                List<Delivery> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // null until an answer (wasNull() below read the columns after it, so it gave 0)
                        Integer last = rs.getObject("last_status", Integer.class);
                        out.add(new Delivery(rs.getObject("id", UUID.class), rs.getObject("endpoint_id", UUID.class),
                                rs.getString("url"), rs.getString("event"), rs.getString("status"), rs.getInt("attempts"),
                                last, rs.getString("last_error"),
                                rs.getObject("created_at", OffsetDateTime.class),
                                rs.getObject("next_attempt_at", OffsetDateTime.class),
                                rs.getObject("delivered_at", OffsetDateTime.class)));
                    }
                }
                return out;
            }
        });
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : List.of((String[]) a.getArray());
    }
}
