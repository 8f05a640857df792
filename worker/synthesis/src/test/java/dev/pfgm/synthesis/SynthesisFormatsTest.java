package dev.pfgm.synthesis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.shared.data.CsvFile;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageGrid;
import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.synthesis.OutputFormat;
import dev.pfgm.shared.synthesis.SynthesisSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every format reads back as what was drawn, with independent readers: numpy's layout by the
 * project's own parser, CSV as text, Parquet through DuckDB, png-tar through commons-compress and
 * ImageIO; and the same rows give the same bytes.
 */
class SynthesisFormatsTest {
    @TempDir
    Path dir;

    private static ShardRows draw(PfgmModel m, SynthesisSpec spec, int shard) {
        return new ShardSynthesizer(m, spec, null).run(shard, Progress.NONE);
    }

    @Test
    void tablePartsReadBackAsDrawn() throws Exception {
        PfgmModel m = Models.table();
        SynthesisSpec spec = Models.spec(m, "{\"count\": 700, \"shard_size\": 300, \"seed\": 5, \"solver\": \"heun\","
                + " \"steps\": 10, \"log_density\": true}");
        ShardRows rows = draw(m, spec, 1);
        assertEquals(300, rows.first());
        assertEquals(300, rows.rows());
        PartLayout layout = PartLayout.of(m);
        assertEquals(List.of("a b", "c,d"), layout.columns());

        List<PartFile> npy = new PartWriter(OutputFormat.NPY, layout).write(rows, dir);
        assertEquals(List.of("part-00001.npy", "part-00001.log_density.npy"), npy.stream().map(PartFile::name).toList());
        NpyFile.Array values = NpyFile.parse(Files.readAllBytes(npy.get(0).path()), "part");
        assertArrayEquals(new long[] {300, 2}, values.shape());
        for (int i = 0; i < 600; i++) {
            assertEquals(rows.values()[i], (float) values.values()[i]);
        }
        NpyFile.Array logp = NpyFile.parse(Files.readAllBytes(npy.get(1).path()), "log density");
        assertArrayEquals(new long[] {300}, logp.shape());
        assertArrayEquals(rows.logDensity(), logp.values());
        assertEquals(npy.get(0).sha256(), PartWriter.sha256(npy.get(0).path()));
        assertEquals(Files.size(npy.get(0).path()), npy.get(0).bytes());

        Path csvDir = Files.createDirectories(dir.resolve("csv"));
        PartFile csv = new PartWriter(OutputFormat.CSV, layout).write(rows, csvDir).get(0);
        String text = Files.readString(csv.path());
        assertTrue(text.startsWith("a b,\"c,d\",log_density\n"), text.substring(0, 40));
        Dataset back = CsvFile.readTable(text.getBytes(StandardCharsets.UTF_8), "csv", "");
        assertEquals(300, back.count());
        assertEquals(3, back.dim());
        for (int r = 0; r < 300; r++) {
            assertEquals(rows.values()[2 * r], (float) back.get(r, 0), "float32 text reads back exactly");
            assertEquals(rows.values()[2 * r + 1], (float) back.get(r, 1));
            assertEquals(rows.logDensity()[r], back.get(r, 2));
        }

        Path pqDir = Files.createDirectories(dir.resolve("parquet"));
        PartFile pq = new PartWriter(OutputFormat.PARQUET, layout).write(rows, pqDir).get(0);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT \"a b\", \"c,d\", log_density FROM read_parquet('"
                        + pq.path().toString().replace("'", "''") + "')")) {
            int r = 0;
            while (rs.next()) {
                assertEquals(rows.values()[2 * r], rs.getFloat(1));
                assertEquals(rows.values()[2 * r + 1], rs.getFloat(2));
                assertEquals(rows.logDensity()[r], rs.getDouble(3));
                r++;
            }
            assertEquals(300, r);
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('"
                        + pq.path() + "'))")) {
            List<String> cols = new ArrayList<>();
            while (rs.next()) {
                cols.add(rs.getString(1) + ":" + rs.getString(2));
            }
            assertEquals(List.of("a b:FLOAT", "c,d:FLOAT", "log_density:DOUBLE"), cols);
        }

        // the same rows, drawn again, give the same bytes in every format
        ShardRows again = draw(m, spec, 1);
        Path twice = Files.createDirectories(dir.resolve("again"));
        for (OutputFormat f : List.of(OutputFormat.NPY, OutputFormat.CSV, OutputFormat.PARQUET)) {
            Path d = Files.createDirectories(twice.resolve(f.wireName()));
            Path first = Files.createDirectories(dir.resolve("first-" + f.wireName()));
            assertEquals(new PartWriter(f, layout).write(rows, first).get(0).sha256(),
                    new PartWriter(f, layout).write(again, d).get(0).sha256(), f.wireName());
        }
    }

    @Test
    void imagePartsCarryTheirClasses() throws Exception {
        PfgmModel m = Models.images();
        SynthesisSpec spec = Models.spec(m, "{\"count\": 90, \"shard_size\": 40, \"seed\": 2, \"solver\": \"euler\","
                + " \"steps\": 4, \"classes\": {\"0\": 30, \"2\": 60}, \"format\": \"png-tar\"}");
        ShardRows rows = draw(m, spec, 2);
        assertEquals(80, rows.first());
        assertEquals(10, rows.rows());
        PartLayout layout = PartLayout.of(m);

        PartFile tar = new PartWriter(OutputFormat.PNG_TAR, layout).write(rows, dir).get(0);
        assertEquals("part-00002.tar", tar.name());
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar.path()))) {
            TarArchiveEntry e;
            int r = 0;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
                // fixed owner, mode and time: the part's bytes depend on the images only
                assertEquals(0, e.getLastModifiedTime().toMillis(), e.getName());
                assertEquals(0644, e.getMode(), e.getName());
                assertEquals(0, e.getLongUserId() + e.getLongGroupId(), e.getName());
                assertEquals("", e.getUserName() + e.getGroupName(), e.getName());
                byte[] data = in.readAllBytes();
                assertEquals(data.length, e.getSize(), e.getName());
                if (e.getName().endsWith(".png")) {
                    var img = ImageIO.read(new ByteArrayInputStream(data));
                    assertEquals(8, img.getWidth());
                    assertEquals(8, img.getHeight());
                    for (int y = 0; y < 8; y++) {
                        for (int x = 0; x < 8; x++) {
                            int want = ImageGrid.level(rows.values()[r * 64 + y * 8 + x]);
                            assertEquals(want, img.getRaster().getSample(x, y, 0), "pixel " + x + "," + y);
                        }
                    }
                } else {
                    assertEquals(Integer.toString(rows.labels()[r]), new String(data, StandardCharsets.US_ASCII));
                    r++;
                }
            }
        }
        byte[] whole = Files.readAllBytes(tar.path());
        assertEquals(0, whole.length % 512, "whole tar records");
        for (int i = whole.length - 1024; i < whole.length; i++) {
            assertEquals(0, whole[i], "the archive ends with two zero blocks");
        }
        assertEquals("000000080.png", names.get(0));
        assertEquals("000000080.cls", names.get(1));
        assertEquals("000000089.cls", names.get(19));
        for (int l : rows.labels()) {
            assertTrue(l == 0 || l == 2, "only the classes asked for: " + l);
        }

        Path npyDir = Files.createDirectories(dir.resolve("npy"));
        List<PartFile> npy = new PartWriter(OutputFormat.NPY, layout).write(rows, npyDir);
        NpyFile.Array a = NpyFile.parse(Files.readAllBytes(npy.get(0).path()), "images");
        assertArrayEquals(new long[] {10, 1, 8, 8}, a.shape());
        assertTrue(a.eightBit(), "uint8");
        for (int i = 0; i < 640; i++) {
            assertEquals(ImageGrid.level(rows.values()[i]), (int) a.values()[i]);
        }
        NpyFile.Array labels = NpyFile.parse(intsAsFloats(npy.get(1).path()), "labels");
        assertEquals("part-00002.labels.npy", npy.get(1).name());
        for (int r = 0; r < 10; r++) {
            assertEquals(rows.labels()[r], (int) labels.values()[r]);
        }
    }

    /** Reads the int32 .npy by hand, independently of the project's own reader. */
    private static byte[] intsAsFloats(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        String header = new String(b, 10, b[8] & 0xff, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'descr': '<i4'"), header);
        int start = 10 + (b[8] & 0xff);
        int n = (b.length - start) / 4;
        var in = java.nio.ByteBuffer.wrap(b, start, n * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = in.getInt();
        }
        var out = new java.io.ByteArrayOutputStream();
        NpyFile.writeFloat32(out, f, new long[] {n});
        return out.toByteArray();
    }
}
