package dev.pfgm.synthesis;

import dev.pfgm.shared.data.ImageGrid;
import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.synthesis.OutputFormat;
import dev.pfgm.shared.synthesis.ShardPlan;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a shard's rows as its part: part-00000.EXT first, then any side files (npy keeps labels
 * and log densities in part-00000.labels.npy and part-00000.log_density.npy; the other formats keep
 * them in label and log_density columns, or, in a png-tar, as 000000123.cls and 000000123.json).
 * Every file is written beside its final name and renamed into place, so a part is either whole or
 * absent, and the bytes depend on the rows alone (no times, no owners), so the same rows give the
 * same SHA-256 on any machine that computes the same rows.
 */
public final class PartWriter {
    private final OutputFormat format;
    private final PartLayout layout;

    public PartWriter(OutputFormat format, PartLayout layout) {
        if (!format.fits(layout.image())) {
            throw new IllegalArgumentException(format.wireName() + " does not fit " + (layout.image() ? "images" : "tables"));
        }
        this.format = format;
        this.layout = layout;
    }

    /** The name of shard {@code k}'s main file. */
    public String partName(int k) {
        return ShardPlan.partName(k, format.extension());
    }

    public List<PartFile> write(ShardRows rows, Path dir) throws IOException {
        List<PartFile> files = new ArrayList<>();
        String base = String.format(Locale.ROOT, "part-%05d", rows.shard());
        switch (format) {
            case NPY -> {
                files.add(file(dir, partName(rows.shard()), out -> npy(rows, out)));
                if (rows.labels() != null) {
                    files.add(file(dir, base + ".labels.npy",
                            out -> NpyFile.writeInt32(out, rows.labels(), new long[] {rows.rows()})));
                }
                if (rows.logDensity() != null) {
                    files.add(file(dir, base + ".log_density.npy",
                            out -> NpyFile.writeFloat64(out, rows.logDensity(), new long[] {rows.rows()})));
                }
            }
            case CSV -> files.add(file(dir, partName(rows.shard()), out -> csv(rows, out)));
            case PARQUET -> files.add(parquet(dir, partName(rows.shard()), rows));
            case PNG_TAR -> files.add(file(dir, partName(rows.shard()), out -> pngTar(rows, out)));
        }
        return files;
    }

    private void npy(ShardRows rows, OutputStream out) throws IOException {
        if (!layout.image()) {
            NpyFile.writeFloat32(out, rows.values(), new long[] {rows.rows(), rows.dim()});
            return;
        }
        float[] v = rows.values();
        byte[] levels = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            levels[i] = (byte) ImageGrid.level(v[i]);
        }
        NpyFile.writeUint8(out, levels, new long[] {rows.rows(), layout.channels(), layout.height(), layout.width()});
    }

    private void csv(ShardRows rows, OutputStream out) throws IOException {
        TableCsv.write(out, layout.columns(), rows.values(), rows.rows(), rows.labels(), rows.logDensity());
    }

    private void pngTar(ShardRows rows, OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        int dim = rows.dim();
        for (int r = 0; r < rows.rows(); r++) {
            // WebDataset groups a sample's files by the name before the first dot: the global row index
            String key = String.format(Locale.ROOT, "%09d", rows.first() + r);
            entry(tar, key + ".png", ImageGrid.single(rows.values(), r * dim, layout.channels(), layout.height(),
                    layout.width()));
            if (rows.labels() != null) {
                entry(tar, key + ".cls", Integer.toString(rows.labels()[r]).getBytes(StandardCharsets.US_ASCII));
            }
            if (rows.logDensity() != null) {
                entry(tar, key + ".json", ("{\"log_density\": " + rows.logDensity()[r] + "}")
                        .getBytes(StandardCharsets.US_ASCII));
            }
        }
        tar.finish();
        tar.flush();
    }

    private static void entry(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        e.setMode(0644);
        // fixed owner and time: the bytes depend on the images only
        e.setModTime(0);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private PartFile parquet(Path dir, String name, ShardRows rows) throws IOException {
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            ParquetPart.write(tmp, layout.columns(), rows);
            return commit(tmp, dir.resolve(name), name);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Something that writes a file's whole content. */
    private interface Content {
        void write(OutputStream out) throws IOException;
    }

    private static PartFile file(Path dir, String name, Content content) throws IOException {
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                content.write(out);
            }
            return commit(tmp, dir.resolve(name), name);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static PartFile commit(Path tmp, Path target, String name) throws IOException {
        String sha = sha256(tmp);
        long bytes = Files.size(tmp);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new PartFile(name, target, bytes, sha);
    }

    /** The SHA-256 of a file, hex. */
    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (DigestOutputStream d = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
                Files.copy(file, d);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
