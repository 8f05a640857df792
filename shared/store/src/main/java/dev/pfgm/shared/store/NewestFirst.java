package dev.pfgm.shared.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A page of a tenant's rows, newest first, by keyset on (created_at, id): {@code after} is the id
 * of the last row of the previous page. Each table it serves has an index on (tenant, created_at
 * DESC, id DESC).
 */
final class NewestFirst {
    @FunctionalInterface
    interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private NewestFirst() {
    }

    static <T> List<T> page(Database db, String table, String tenant, int limit, UUID after, Reader<T> reader) {
        return page(db, table, "", tenant, limit, after, reader);
    }

    /** {@code extra}: more columns for the select list (", expression AS name, ..."). */
    static <T> List<T> page(Database db, String table, String extra, String tenant, int limit, UUID after,
            Reader<T> reader) {
        String sql = "SELECT " + table + ".*" + extra + " FROM " + table + " WHERE tenant = ?"
                + (after == null ? "" : " AND (created_at, id) < (SELECT created_at, id FROM " + table
                        + " WHERE id = ? AND tenant = ?)")
                + " ORDER BY created_at DESC, id DESC LIMIT ?";
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int k = 1;
                ps.setString(k++, tenant);
                if (after != null) {
                    ps.setObject(k++, after);
                    ps.setString(k++, tenant);
                }
                ps.setInt(k, limit);
                List<T> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(reader.read(rs));
                    }
                }
                return out;
            }
        });
    }
}
