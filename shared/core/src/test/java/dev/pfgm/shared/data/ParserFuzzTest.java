package dev.pfgm.shared.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.InvalidInputException;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Fuzzes the upload check and the full readers with valid files of every format mutated at random
 * (bytes flipped or overwritten with boundary values, cut short, spliced, extended): each input is
 * accepted or refused as invalid input, never another exception, within seconds, and the check
 * allocates a bounded amount however large the header claims the data to be. Tries per property:
 * jqwik.tries.default in junit-platform.properties (CI); a longer run is
 * {@code ./mvnw -pl shared/core test -Dtest=ParserFuzzTest -Djqwik.tries.default=20000}.
 */
class ParserFuzzTest {
    private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz");
        t.setDaemon(true);
        return t;
    });
    /** Small limits, so that a mutated header meets them as an attacker's would meet the defaults. */
    private static final DataLimits LIMITS = new DataLimits(1L << 20, 256, 1L << 16, 64, 16L << 20, 100, 10);
    /** The most one check of a file of at most a few KiB may allocate under LIMITS. */
    private static final long MAX_ALLOCATED = 48L << 20;

    private static final List<Seed> SEEDS = List.of(
            new Seed("npy", TestFiles.npy("<f4", "3, 2", TestFiles.floats(1, 2, 3, 4, 5, 6))),
            new Seed("npy", TestFiles.npy("|u1", "2, 3, 4", new byte[24])),
            new Seed("csv", "x,y,c\n1,2,0\n3,\"4\",1\n".getBytes(StandardCharsets.UTF_8)),
            new Seed("idx", TestFiles.idx(2, 3, 3, 18)),
            new Seed("idx", TestFiles.gzip(TestFiles.idx(2, 3, 3, 18), 0)),
            new Seed("png-zip", TestFiles.zip(new String[] {"a.png", "b.png"}, new byte[][] {
                    TestFiles.png(5, 4, BufferedImage.TYPE_BYTE_GRAY), TestFiles.png(5, 4, BufferedImage.TYPE_BYTE_GRAY)}, 0)));

    record Seed(String format, byte[] bytes) {
    }

    @Provide
    Arbitrary<Seed> mutated() {
        Arbitrary<Seed> seed = Arbitraries.of(SEEDS);
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 5);
        Arbitrary<Integer> count = Arbitraries.integers().between(1, 8);
        Arbitrary<Long> randomness = Arbitraries.longs();
        return Combinators.combine(seed, kind, count, randomness).as(ParserFuzzTest::mutate);
    }

    /** One mutation of {@code s}: most land in the first 64 bytes, where the headers are. */
    static Seed mutate(Seed s, int kind, int count, long random) {
        java.util.Random r = new java.util.Random(random);
        byte[] b = s.bytes().clone();
        int[] boundary = {0, 0xff, 0x7f, 0x80, '9', ',', '(', ')', '\'', '"', '\n', 0};
        switch (kind) {
            case 0 -> { // flip bits
                for (int i = 0; i < count; i++) {
                    int at = r.nextInt(r.nextBoolean() ? Math.min(64, b.length) : b.length);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> { // boundary values
                for (int i = 0; i < count; i++) {
                    b[r.nextInt(Math.min(64, b.length))] = (byte) boundary[r.nextInt(boundary.length)];
                }
            }
            case 2 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length)); // cut short
            case 3 -> { // extend with junk
                byte[] tail = new byte[1 + r.nextInt(64)];
                r.nextBytes(tail);
                byte[] c = java.util.Arrays.copyOf(b, b.length + tail.length);
                System.arraycopy(tail, 0, c, b.length, tail.length);
                b = c;
            }
            case 4 -> { // a big-endian integer of boundary size somewhere in the header
                int at = r.nextInt(Math.max(1, Math.min(60, b.length - 4)));
                int v = new int[] {-1, Integer.MAX_VALUE, 1 << 30, 1 << 16, 65535, 0}[r.nextInt(6)];
                for (int k = 0; k < 4 && at + k < b.length; k++) {
                    b[at + k] = (byte) (v >>> (24 - 8 * k));
                }
            }
            default -> { // splice a piece of the file into itself
                int from = r.nextInt(b.length);
                int len = r.nextInt(Math.min(32, b.length - from) + 1);
                int to = r.nextInt(b.length);
                byte[] c = new byte[b.length + len];
                System.arraycopy(b, 0, c, 0, to);
                System.arraycopy(b, from, c, to, len);
                System.arraycopy(b, to, c, to + len, b.length - to);
                b = c;
            }
        }
        return new Seed(s.format(), b);
    }

    @Property
    void theCheckAcceptsOrRefusesInBoundedTimeAndMemory(@ForAll("mutated") Seed s) throws Exception {
        Path f = Files.createTempFile("fuzz", ".bin");
        try {
            Files.write(f, s.bytes());
            long allocated = run(() -> DatasetCheck.inspect(f, s.format(), "fuzz", s.format().equals("csv") ? "c" : null,
                    LIMITS));
            assertTrue(allocated < MAX_ALLOCATED, "the check of a " + s.bytes().length + "-byte " + s.format()
                    + " file allocated " + allocated + " bytes");
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property
    void theFullReadersAcceptOrRefuseWithoutCrashing(@ForAll("mutated") Seed s) throws Exception {
        run(() -> switch (s.format()) {
            case "npy" -> NpyFile.parse(s.bytes(), "fuzz", LIMITS);
            case "csv" -> CsvFile.readTable(new java.io.ByteArrayInputStream(s.bytes()), "fuzz", "", LIMITS);
            case "idx" -> IdxFile.readImages(s.bytes(), "fuzz", null, null);
            default -> PngZip.read(s.bytes(), "fuzz");
        });
    }

    /** Runs {@code work} with a time bound; an invalid-input refusal is a fine outcome. Returns bytes allocated. */
    private static long run(java.util.concurrent.Callable<?> work) throws Exception {
        Future<Long> f = RUNNER.submit(() -> {
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = mx.getCurrentThreadAllocatedBytes();
            try {
                work.call();
            } catch (InvalidInputException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a refusal says why");
            }
            return mx.getCurrentThreadAllocatedBytes() - before;
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw new AssertionError(e.getCause());
        }
    }

    @AfterContainer
    static void stop() {
        RUNNER.shutdownNow();
    }
}
