package dev.pfgm.shared.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.shared.config.Config;
import dev.pfgm.shared.config.Settings;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.List;

/**
 * Per-tenant quotas: the deployment's defaults (PFGM_QUOTA_*) with an admin's overrides from
 * {@code tenant_quotas} laid over them, and what a tenant uses now.
 */
public final class QuotaStore {
    /** The quota names, as the API and the table spell them. */
    public static final List<String> NAMES = List.of("active_jobs", "running_jobs", "stored_bytes", "job_gflop",
            "job_seconds", "requests_per_minute");

    private final Database db;
    private final Quotas defaults;
    /** Quotas read within the last few seconds: every request consults them (rate, submissions). */
    private final com.github.benmanes.caffeine.cache.LoadingCache<String, Quotas> recent;

    /** A tenant's quotas in force. */
    public record Quotas(long activeJobs, long runningJobs, long storedBytes, double jobGflop, long jobSeconds,
            long requestsPerMinute) {
        public ObjectNode json() {
            return Json.object().put("active_jobs", activeJobs).put("running_jobs", runningJobs)
                    .put("stored_bytes", storedBytes).put("job_gflop", jobGflop).put("job_seconds", jobSeconds)
                    .put("requests_per_minute", requestsPerMinute);
        }
    }

    /** What a tenant holds now. */
    public record Usage(long activeJobs, long runningJobs, long storedBytes) {
        public ObjectNode json() {
            return Json.object().put("active_jobs", activeJobs).put("running_jobs", runningJobs)
                    .put("stored_bytes", storedBytes);
        }
    }

    public QuotaStore(Database db, Config config) {
        this.db = db;
        this.defaults = new Quotas(config.getLong(Settings.QUOTA_ACTIVE_JOBS), config.getLong(Settings.QUOTA_RUNNING_JOBS),
                config.getLong(Settings.QUOTA_STORED_MB) << 20, config.getLong(Settings.QUOTA_JOB_GFLOP),
                config.getLong(Settings.QUOTA_JOB_SECONDS), config.getLong(Settings.QUOTA_REQUESTS_PER_MINUTE));
        // an admin's change reaches this process at once, other processes within CACHE_SECONDS
        this.recent = com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000)
                .expireAfterWrite(java.time.Duration.ofSeconds(CACHE_SECONDS)).build(this::load);
    }

    /** How long a process may act on quotas an admin has since changed elsewhere. */
    public static final int CACHE_SECONDS = 2;

    public Quotas defaults() {
        return defaults;
    }

    /** The tenant's quotas in force (read at most {@value #CACHE_SECONDS} s ago). */
    public Quotas get(String tenant) {
        return recent.get(tenant);
    }

    private Quotas load(String tenant) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT active_jobs, running_jobs, stored_bytes, job_gflop,"
                    + " job_seconds, requests_per_minute FROM tenant_quotas WHERE tenant = ?")) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return defaults;
                    }
                    return new Quotas(or(rs, 1, defaults.activeJobs()), or(rs, 2, defaults.runningJobs()),
                            or(rs, 3, defaults.storedBytes()), rs.getObject(4) == null ? defaults.jobGflop() : rs.getDouble(4),
                            or(rs, 5, defaults.jobSeconds()), or(rs, 6, defaults.requestsPerMinute()));
                }
            }
        });
    }

    private static long or(ResultSet rs, int column, long fallback) throws java.sql.SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? fallback : v;
    }

    /**
     * Sets the quotas {@code changes} names (a null value returns that quota to the default) and
     * keeps the others. Values were checked by the API's schema.
     */
    public Quotas put(String tenant, JsonNode changes) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tenant_quotas (tenant) VALUES (?)"
                    + " ON CONFLICT (tenant) DO NOTHING")) {
                ps.setString(1, tenant);
                ps.executeUpdate();
            }
            for (String name : NAMES) {
                if (!changes.has(name)) {
                    continue;
                }
                // the column name comes from NAMES, never from the request
                try (PreparedStatement ps = c.prepareStatement("UPDATE tenant_quotas SET " + name
                        + " = ?, updated_at = now() WHERE tenant = ?")) {
                    JsonNode v = changes.get(name);
                    if (v.isNull()) {
                        ps.setNull(1, name.equals("job_gflop") ? Types.DOUBLE : Types.BIGINT);
                    } else if (name.equals("job_gflop")) {
                        ps.setDouble(1, v.asDouble());
                    } else if (name.equals("stored_bytes")) {
                        ps.setLong(1, v.asLong());
                    } else {
                        ps.setInt(1, v.asInt());
                    }
                    ps.setString(2, tenant);
                    ps.executeUpdate();
                }
            }
            return null;
        });
        recent.invalidate(tenant);
        return get(tenant);
    }

    public Usage usage(String tenant) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT"
                    + " (SELECT count(*) FROM jobs WHERE tenant = ? AND " + JobStore.UNFINISHED_SQL + "),"
                    + " (SELECT count(*) FROM jobs WHERE tenant = ? AND " + JobStore.ACTIVE_SQL + "),"
                    + " (SELECT coalesce(sum(bytes), 0) FROM datasets WHERE tenant = ?)")) {
                ps.setString(1, tenant);
                ps.setString(2, tenant);
                ps.setString(3, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Usage(rs.getLong(1), rs.getLong(2), rs.getLong(3));
                }
            }
        });
    }
}
