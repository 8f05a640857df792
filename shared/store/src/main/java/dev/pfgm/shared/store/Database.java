package dev.pfgm.shared.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pfgm.shared.config.Config;
import dev.pfgm.shared.config.Settings;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The connection pool; migrates the schema on open (Flyway, idempotent, safe from several processes). */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    public static Database open(Config config, String poolName) {
        return open(config, poolName, 10_000);
    }

    /**
     * {@code waitMillis}: how long a caller waits for a connection before the database counts as
     * unavailable (the gateway answers 503 after a few seconds rather than hold a request for ten).
     */
    public static Database open(Config config, String poolName, long waitMillis) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.get(Settings.DB_URL));
        hc.setUsername(config.get(Settings.DB_USER));
        hc.setPassword(config.get(Settings.DB_PASSWORD));
        hc.setMaximumPoolSize(config.getInt(Settings.DB_POOL));
        hc.setPoolName(poolName);
        hc.setConnectionTimeout(waitMillis);
        // no statement of ours runs for long: a server that stops answering (paused, partitioned) is
        // an outage after 15 s, not a request that hangs for ever
        hc.addDataSourceProperty("socketTimeout", "15");
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            migrate(ds);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds);
    }

    static void migrate(DataSource ds) {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    }

    /**
     * Has the pool record its metrics (connections in use, waits) in {@code meterRegistry}, a
     * Micrometer MeterRegistry; typed Object so that the store needs Micrometer only where it is used.
     */
    public void recordMetricsIn(Object meterRegistry) {
        pool.setMetricRegistry(meterRegistry);
    }

    public DataSource dataSource() {
        return pool;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** Runs {@code work} in one transaction; commits if it returns, rolls back if it throws. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Runs {@code work} on a connection in auto-commit mode. */
    public <T> T run(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    public boolean reachable() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** A database failure; the message is the driver's. */
    public static final class StoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean unavailable;

        StoreException(SQLException e) {
            super("database: " + e.getMessage(), e);
            this.unavailable = isUnavailable(e);
        }

        /** The database could not be reached or refused connections; not a failed statement. */
        public boolean unavailable() {
            return unavailable;
        }

        /**
         * SQLSTATE class 08 (connection exception), 57P01-57P03 (shutting down, cannot connect now),
         * 53300 (too many connections), or the pool's own timeout waiting for a connection.
         */
        static boolean isUnavailable(SQLException e) {
            if (e instanceof java.sql.SQLTransientConnectionException || e instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            String state = e.getSQLState();
            return state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"));
        }
    }
}
