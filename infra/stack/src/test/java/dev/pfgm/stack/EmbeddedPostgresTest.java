package dev.pfgm.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.stack.servers.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresTest {
    /**
     * A script that stops ./pfgm up and deletes its folder at once takes pg_ctl away before the stack
     * runs it: the server must stop all the same, not hold its port until its own lock-file check.
     */
    @Test
    void closeStopsTheServerEvenWhenItsFolderIsAlreadyDeleted(@TempDir Path tmp) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = tmp.resolve("pg");
        EmbeddedPostgres pg = EmbeddedPostgres.start(dir, port);
        long pid = Long.parseLong(Files.readAllLines(dir.resolve("data/postmaster.pid"), StandardCharsets.US_ASCII)
                .get(0).strip());
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
        assertTrue(server.isAlive());
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        try {
            pg.close();
        } finally {
            if (server.isAlive()) { // the test's own cleanup: no server left behind when it fails
                server.destroyForcibly();
            }
        }
        assertFalse(server.isAlive(), "the server still runs after close");
    }
}
