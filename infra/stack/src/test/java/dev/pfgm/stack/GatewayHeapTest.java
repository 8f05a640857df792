package dev.pfgm.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap the README states for a gateway, held to: a gateway in a JVM of its own with a 256 MiB
 * heap and the default limits takes four parallel uploads of 120 MB (every upload slot) and a
 * burst of hostile files, answering each one without a 5xx other than 503 (slots full), and lives
 * on. Were an upload or a check to hold a file in the heap, this JVM would run out of memory.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayHeapTest {
    static final String HEAP = "256m";
    @TempDir
    static Path tmp;
    @AutoClose
    Stack stack;
    Process gateway;
    Http api;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.startServers(new Stack.Options(tmp.resolve("stack"), 0, 0, Map.of()));
        gateway = ChildJvm.gateway(stack.envFile(), 0, List.of("-Xmx" + HEAP), Map.of(), tmp.resolve("gateway.log"));
        String url = ChildJvm.awaitListening(gateway, tmp.resolve("gateway.log"), 60);
        api = new Http(url, Files.readString(tmp.resolve("stack").resolve("api-key")).strip());
    }

    @AfterAll
    void stopGateway() throws Exception {
        if (gateway != null) {
            gateway.destroy();
            gateway.waitFor();
        }
    }

    /** A valid uint8 image stack of {@code n} 28 x 28 images, written to disk (not held here either). */
    private static Path images(Path file, int n) throws Exception {
        byte[] h = ("{'descr': '|u1', 'fortran_order': False, 'shape': (" + n + ", 28, 28), }").getBytes(
                StandardCharsets.ISO_8859_1);
        int pad = 64 - (10 + h.length + 1) % 64;
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) (h.length + pad + 1));
            out.write(b.array());
            out.write(h);
            out.write(" ".repeat(pad).getBytes(StandardCharsets.ISO_8859_1));
            out.write('\n');
            byte[] image = new byte[28 * 28];
            for (int i = 0; i < n; i++) {
                image[i % image.length] = (byte) i;
                out.write(image);
            }
        }
        return file;
    }

    /** Posts until the answer is not 503 (slots full); the answer's status. */
    private int upload(Http as, String format, Path file) throws InterruptedException {
        while (true) {
            Http.Res r = as.postFile("/v1/datasets?name=heap&format=" + format, file);
            if (r.status() != 503) {
                return r.status();
            }
            Thread.sleep(200);
        }
    }

    @Test
    void fourLargeUploadsAndHostileFilesAtOnceFitIn256MiB() throws Exception {
        Path big = images(tmp.resolve("big.npy"), 153_000); // 120 MB, 120 million values: under every limit
        byte[] shapeBomb = ("{" + "'shape': (".repeat(24_000) + "}").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer hb = ByteBuffer.allocate(12 + shapeBomb.length).order(ByteOrder.LITTLE_ENDIAN);
        hb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(shapeBomb.length).put(shapeBomb);
        Path hostile = Files.write(tmp.resolve("hostile.npy"), hb.array());
        Path wide = Files.write(tmp.resolve("wide.csv"), ("1" + ",1".repeat(10_000_000) + "\n")
                .getBytes(StandardCharsets.US_ASCII));

        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Integer>> bigs = new ArrayList<>();
            List<Future<Integer>> bad = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // a tenant each: one tenant holds half the slots at most
                Http tenant = api.as(api.postJson("/v1/admin/keys", java.util.Map.of("tenant", "heap" + i)).json()
                        .path("key").asText());
                bigs.add(pool.submit(() -> upload(tenant, "npy", big)));
            }
            for (int i = 0; i < 4; i++) {
                bad.add(pool.submit(() -> upload(api, "npy", hostile)));
                bad.add(pool.submit(() -> upload(api, "csv", wide)));
            }
            for (Future<Integer> f : bigs) {
                assertEquals(201, f.get(), "a large valid upload is stored");
            }
            for (Future<Integer> f : bad) {
                int status = f.get();
                assertTrue(status == 413 || status == 422, "a hostile file is refused as such, not " + status);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(gateway.isAlive());
        String metrics = api.get("/metrics").text();
        Matcher max = Pattern.compile("jvm_memory_max_bytes\\{area=\"heap\"} (\\S+)").matcher(metrics);
        assertTrue(max.find() && Double.parseDouble(max.group(1)) <= 256L << 20
                && Double.parseDouble(max.group(1)) > 64L << 20, "the gateway ran with the heap stated: " + metrics);
        assertTrue(!Files.readString(tmp.resolve("gateway.log")).contains("OutOfMemoryError"), "no heap exhaustion");
        assertEquals(200, api.get("/readyz").status());
    }
}
