package dev.pfgm.shared.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Binding a statement's parameters in order; PostgreSQL infers a null's type from where it stands. */
final class Statements {
    private Statements() {
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }
}
