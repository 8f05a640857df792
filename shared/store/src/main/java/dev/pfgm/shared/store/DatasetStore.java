package dev.pfgm.shared.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Dataset rows. The file itself lives in the object store under {@link Keys#dataset}. */
public final class DatasetStore {
    /**
     * A queued or running job of the tenant that names the dataset: as its data, an eval's training
     * set or a synthesis report's held-out rows.
     */
    private static final String IN_USE_SQL = "SELECT id FROM jobs WHERE tenant = ? AND " + JobStore.UNFINISHED_SQL
            + " AND (lower(dataset) = ? OR lower(params ->> 'train') = ? OR lower(params ->> 'held_out') = ?) LIMIT 1";

    private final Database db;

    public DatasetStore(Database db) {
        this.db = db;
    }

    /** The shape of an image dataset's images; null for tables. */
    public record ImageShape(int channels, int height, int width) {
    }

    /**
     * A dataset's labels: a table's label column, or an image set's labels file (key and format); and
     * the examples per class.
     */
    public record LabelInfo(String column, String key, String format, int[] classCounts) {
        public int classes() {
            return classCounts.length;
        }
    }

    /** One dataset. {@code labels} is null for an unlabelled one. */
    public record DatasetRecord(UUID id, String tenant, String name, String format, int count, int dim, long bytes,
            String sha256, String objectKey, OffsetDateTime createdAt, ImageShape image, LabelInfo labels) {
        static DatasetRecord read(ResultSet rs) throws SQLException {
            int channels = rs.getInt("channels");
            ImageShape image = rs.wasNull() ? null : new ImageShape(channels, rs.getInt("height"), rs.getInt("width"));
            LabelInfo labels = null;
            String counts = rs.getString("class_counts");
            if (counts != null) {
                com.fasterxml.jackson.databind.JsonNode c = Json.read(counts);
                int[] cc = new int[c.size()];
                for (int k = 0; k < cc.length; k++) {
                    cc[k] = c.get(k).asInt();
                }
                labels = new LabelInfo(rs.getString("label_column"), rs.getString("labels_key"),
                        rs.getString("labels_format"), cc);
            }
            return new DatasetRecord(rs.getObject("id", UUID.class), rs.getString("tenant"), rs.getString("name"),
                    rs.getString("format"), rs.getInt("count"), rs.getInt("dim"), rs.getLong("bytes"),
                    rs.getString("sha256"), rs.getString("object_key"),
                    rs.getObject("created_at", OffsetDateTime.class), image, labels);
        }

        public boolean images() {
            return image != null;
        }
    }

    private static String counts(int[] c) {
        com.fasterxml.jackson.databind.node.ArrayNode a = Json.MAPPER.createArrayNode();
        for (int v : c) {
            a.add(v);
        }
        return Json.write(a);
    }

    /** @param labelColumn a table's label column (null: none), {@code classCounts} its examples per class */
    public DatasetRecord insert(UUID id, String tenant, String name, String format, int count, int dim, long bytes,
            String sha256, String objectKey, ImageShape image, String labelColumn, int[] classCounts) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO datasets (id, tenant, name, format, count, dim,"
                    + " bytes, sha256, object_key, kind, channels, height, width, label_column, class_counts)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) RETURNING *")) {
                boolean table = image == null;
                Statements.bind(ps, id, tenant, name, format, count, dim, bytes, sha256, objectKey,
                        table ? "table" : "images", table ? null : image.channels(), table ? null : image.height(),
                        table ? null : image.width(), labelColumn, classCounts == null ? null : counts(classCounts));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return DatasetRecord.read(rs);
                }
            }
        });
    }

    /** Gives an image dataset its labels file; empty when the tenant has no such dataset. */
    /** A dataset with new labels, and the file of the labels they replace (null when it had none). */
    public record Relabelled(DatasetRecord dataset, String replacedKey) {
    }

    /**
     * An image dataset's labels, unless a queued or running job uses the dataset (it would train on
     * labels it was not checked against); in {@link GuardedChange}'s lock order, so a submission
     * racing it either sees the new labels or keeps the old. Empty when the tenant has no such dataset.
     */
    public Optional<GuardedChange.Outcome<Relabelled>> setLabels(String tenant, UUID id, String key, String format,
            int[] classCounts) {
        return db.inTransaction(c -> GuardedChange.run(c, "datasets", id, tenant, (conn, file) -> {
            String replaced = null;
            try (PreparedStatement ps = conn.prepareStatement("SELECT labels_key FROM datasets WHERE id = ?")) {
                ps.setObject(1, id); // locked by GuardedChange: no other upload replaces it meanwhile
                try (ResultSet rs = ps.executeQuery()) {
                    replaced = rs.next() ? rs.getString(1) : null;
                }
            }
            try (PreparedStatement ps = conn.prepareStatement("UPDATE datasets SET labels_key = ?, labels_format = ?,"
                    + " class_counts = ?::jsonb WHERE id = ? AND kind = 'images' RETURNING *")) {
                ps.setString(1, key);
                ps.setString(2, format);
                ps.setString(3, counts(classCounts));
                ps.setObject(4, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Relabelled(DatasetRecord.read(rs), replaced) : null;
                }
            }
        }, IN_USE_SQL, tenant, id.toString(), id.toString(), id.toString()));
    }

    /** The tenant a dataset belongs to, by id alone (a signed file link names its object, not its tenant). */
    public Optional<String> tenantOf(UUID id) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT tenant FROM datasets WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    public Optional<DatasetRecord> get(String tenant, UUID id) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM datasets WHERE id = ? AND tenant = ?")) {
                ps.setObject(1, id);
                ps.setString(2, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(DatasetRecord.read(rs)) : Optional.empty();
                }
            }
        });
    }

    public List<DatasetRecord> list(String tenant, int limit) {
        return list(tenant, limit, null);
    }

    /** Newest first; {@code after} is the id of the last one of the previous page. */
    public List<DatasetRecord> list(String tenant, int limit, UUID after) {
        return NewestFirst.page(db, "datasets", tenant, limit, after, DatasetRecord::read);
    }

    /**
     * Deletes the dataset unless a queued or running job uses it, as its data or an eval's training
     * set (its jobs failed for want of it); {@link GuardedChange} keeps the order submit_job needs.
     * Empty when the tenant has no such dataset; the result is the dataset's file key.
     */
    public Optional<GuardedChange.Outcome<String>> delete(String tenant, UUID id) {
        return db.inTransaction(c -> GuardedChange.delete(c, "datasets", id, tenant, IN_USE_SQL, tenant, id.toString(),
                id.toString(), id.toString()));
    }
}
