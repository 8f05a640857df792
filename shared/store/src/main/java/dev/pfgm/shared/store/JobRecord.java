package dev.pfgm.shared.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.job.JobType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One row of the jobs table. A synthesize job also has a {@code phase} (plan, shards, finalize; null
 * until planned) and, once planned, the {@code plan} its shards run by. {@code error} is the last
 * failed attempt's error; {@code errors} lists every failed attempt's, oldest first.
 */
public record JobRecord(UUID id, String tenant, JobType type, JobStatus status, int attempt, int maxAttempts,
        String leaseOwner, JsonNode progress, JsonNode params, String dataset, UUID modelId, JsonNode result,
        JsonNode error, long version, OffsetDateTime createdAt, OffsetDateTime startedAt,
        OffsetDateTime finishedAt, String phase, JsonNode plan, String name, JsonNode metadata,
        OffsetDateTime filesExpiredAt, String webhook, JsonNode errors) {

    static final String COLUMNS = "id, tenant, type, status, attempt, max_attempts, lease_owner, progress, params,"
            + " dataset, model_id, result, error, version, created_at, started_at, finished_at, phase, plan, name, metadata,"
            + " files_expired_at, webhook, errors";

    /** Phases of a synthesize job. */
    public static final String PLAN = "plan";
    public static final String SHARDS = "shards";
    public static final String FINALIZE = "finalize";

    static JobRecord read(ResultSet rs) throws SQLException {
        return new JobRecord(rs.getObject("id", UUID.class), rs.getString("tenant"),
                JobType.parse(rs.getString("type")), JobStatus.parse(rs.getString("status")), rs.getInt("attempt"),
                rs.getInt("max_attempts"), rs.getString("lease_owner"), Json.read(rs.getString("progress")),
                Json.read(rs.getString("params")), rs.getString("dataset"), rs.getObject("model_id", UUID.class),
                Json.read(rs.getString("result")), Json.read(rs.getString("error")), rs.getLong("version"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("started_at", OffsetDateTime.class),
                rs.getObject("finished_at", OffsetDateTime.class), rs.getString("phase"), Json.read(rs.getString("plan")),
                rs.getString("name"), Json.read(rs.getString("metadata")),
                rs.getObject("files_expired_at", OffsetDateTime.class), rs.getString("webhook"),
                Json.read(rs.getString("errors")));
    }
}
