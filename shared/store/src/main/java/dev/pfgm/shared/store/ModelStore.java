package dev.pfgm.shared.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Trained models, registered by the train job that made them. */
public final class ModelStore {
    private final Database db;

    public ModelStore(Database db) {
        this.db = db;
    }

    /** One model. */
    /** {@code name}: its training job's name; {@code datasetName}: its dataset's (null once deleted, or builtin). */
    public record ModelRecord(UUID id, String tenant, UUID jobId, String dataset, int dim, JsonNode settings,
            JsonNode metrics, String objectKey, OffsetDateTime createdAt, String name, String datasetName) {
        static ModelRecord read(ResultSet rs) throws SQLException {
            return new ModelRecord(rs.getObject("id", UUID.class), rs.getString("tenant"),
                    rs.getObject("job_id", UUID.class), rs.getString("dataset"), rs.getInt("dim"),
                    Json.read(rs.getString("settings")), Json.read(rs.getString("metrics")),
                    rs.getString("object_key"), rs.getObject("created_at", OffsetDateTime.class),
                    rs.getString("job_name"), rs.getString("dataset_name"));
        }
    }

    public Optional<ModelRecord> get(String tenant, UUID id) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT models.*" + NAMES + " FROM models WHERE id = ? AND tenant = ?")) {
                ps.setObject(1, id);
                ps.setString(2, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(ModelRecord.read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The names a person knows a model by: its training job's and its dataset's. */
    private static final String NAMES = ", (SELECT j.name FROM jobs j WHERE j.id = models.job_id) AS job_name,"
            + " (SELECT d.name FROM datasets d WHERE d.id::text = models.dataset AND d.tenant = models.tenant) AS dataset_name";

    public List<ModelRecord> list(String tenant, int limit) {
        return list(tenant, limit, null);
    }

    /** Newest first; {@code after} is the id of the last one of the previous page. */
    public List<ModelRecord> list(String tenant, int limit, UUID after) {
        return NewestFirst.page(db, "models", NAMES, tenant, limit, after, ModelRecord::read);
    }

    /**
     * Deletes the model unless a queued or running job uses it ({@link GuardedChange}: a submission
     * naming it as it is deleted either keeps it or is refused). Empty when the tenant has no such model.
     */
    public Optional<GuardedChange.Outcome<String>> delete(String tenant, UUID id) {
        return db.inTransaction(c -> GuardedChange.delete(c, "models", id, tenant,
                "SELECT id FROM jobs j WHERE j.model_id = ? AND j." + JobStore.UNFINISHED_SQL + " LIMIT 1", id));
    }
}
