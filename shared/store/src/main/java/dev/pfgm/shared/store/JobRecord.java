package dev.pfgm.shared.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.job.JobType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One row of the jobs table. */
public record JobRecord(UUID id, String tenant, JobType type, JobStatus status, int attempt, int maxAttempts,
        String leaseOwner, JsonNode progress, JsonNode params, String dataset, UUID modelId, JsonNode result,
        JsonNode error, long version, OffsetDateTime createdAt, OffsetDateTime startedAt,
        OffsetDateTime finishedAt) {

    static final String COLUMNS = "id, tenant, type, status, attempt, max_attempts, lease_owner, progress, params,"
            + " dataset, model_id, result, error, version, created_at, started_at, finished_at";

    static JobRecord read(ResultSet rs) throws SQLException {
        return new JobRecord(rs.getObject("id", UUID.class), rs.getString("tenant"),
                JobType.parse(rs.getString("type")), JobStatus.parse(rs.getString("status")), rs.getInt("attempt"),
                rs.getInt("max_attempts"), rs.getString("lease_owner"), Json.read(rs.getString("progress")),
                Json.read(rs.getString("params")), rs.getString("dataset"), rs.getObject("model_id", UUID.class),
                Json.read(rs.getString("result")), Json.read(rs.getString("error")), rs.getLong("version"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("started_at", OffsetDateTime.class),
                rs.getObject("finished_at", OffsetDateTime.class));
    }
}
