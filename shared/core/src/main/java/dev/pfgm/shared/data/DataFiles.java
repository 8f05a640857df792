package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Reads tables from .npy, .csv or builtin:NAME, and writes .npy outputs atomically. */
public final class DataFiles {
    private DataFiles() {
    }

    /**
     * Loads {@code spec}: builtin:NAME, or a path ending in .npy or .csv. {@code flag} names the
     * command-line option for messages (e.g. "--data").
     */
    public static Dataset load(String spec, String flag) {
        return load(spec, flag, DataLimits.local());
    }

    public static Dataset load(String spec, String flag, DataLimits limits) {
        if (BuiltinData.isBuiltin(spec)) {
            return BuiltinData.load(spec);
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        boolean npy = lower.endsWith(".npy");
        boolean csv = lower.endsWith(".csv");
        if (!npy && !csv) {
            throw new InvalidInputException(flag + ": '" + spec + "' must end in .npy or .csv, or be builtin:NAME");
        }
        if (!npy) {
            return readCsv(Path.of(spec), flag, limits);
        }
        return readNpy(Path.of(spec), flag, limits).table(limits);
    }

    /** A .npy file as an array, with its content hash. */
    public record NpyRead(NpyFile.Array array, String sha256, String name) {
        /** The array as a table, its columns within {@code limits} as a CSV's are (4 x 1,000,000 ran train out of memory). */
        public Dataset table(DataLimits limits) {
            if (array.shape().length == 2) {
                limits.checkColumns(name, array.shape()[1]);
            }
            return NpyFile.table(array, name, sha256);
        }
    }

    static NpyRead readNpy(Path path, String flag, DataLimits limits) {
        String sha = sha256(path, flag);
        try (InputStream in = Files.newInputStream(path)) {
            return new NpyRead(NpyFile.read(new java.io.BufferedInputStream(in, 1 << 16), Files.size(path),
                    path.toString(), limits), sha, path.toString());
        } catch (IOException e) {
            throw unreadable(path, flag, e);
        }
    }

    static Dataset readCsv(Path path, String flag, DataLimits limits) {
        String sha = sha256(path, flag);
        try (InputStream in = Files.newInputStream(path)) {
            return CsvFile.readTable(in, path.toString(), sha, limits);
        } catch (IOException e) {
            throw unreadable(path, flag, e);
        }
    }

    /** The SHA-256 of a file, read in 64 KiB pieces; names {@code flag} when the file cannot be read. */
    public static String sha256(Path path, String flag) {
        checkReadable(path, flag);
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw unreadable(path, flag, e);
        }
    }

    /** Refuses a path that is missing, a directory or not readable, naming {@code flag}. */
    public static void checkReadable(Path path, String flag) {
        if (Files.isDirectory(path)) {
            throw new InvalidInputException(flag + ": '" + path + "' is a directory, not a file");
        }
        if (!Files.exists(path)) {
            throw new InvalidInputException(flag + ": file '" + path + "' does not exist");
        }
        if (!Files.isRegularFile(path)) {
            // a device or pipe may never end (/dev/zero) or never start (a FIFO nobody writes)
            throw new InvalidInputException(flag + ": '" + path + "' is not a regular file (a device, pipe or socket)");
        }
        if (!Files.isReadable(path)) {
            throw new InvalidInputException(flag + ": file '" + path + "' is not readable (permission denied)");
        }
    }

    static InvalidInputException unreadable(Path path, String flag, IOException e) {
        return new InvalidInputException(flag + ": cannot read '" + path + "': " + e.getMessage());
    }

    /** Files read whole (models, checkpoints, settings, labels) hold at most this many bytes: one Java array. */
    static final long MAX_WHOLE_FILE = Integer.MAX_VALUE - 8;

    public static byte[] readBytes(Path path, String flag) {
        return readBytes(path, flag, new byte[0], null);
    }

    /**
     * The file's bytes, refused as not {@code what} unless they start with {@code magic}: checked on
     * the first bytes before the rest is read (a 2 GB file that is no model took 4 GB to refuse).
     */
    public static byte[] readBytes(Path path, String flag, byte[] magic, String what) {
        try {
            checkReadable(path, flag);
            if (Files.size(path) > MAX_WHOLE_FILE) {
                throw new InvalidInputException(flag + ": '" + path + "' is " + Files.size(path) + " bytes; a file read"
                        + " whole may have at most " + MAX_WHOLE_FILE);
            }
            if (magic.length > 0) {
                byte[] head;
                try (InputStream in = Files.newInputStream(path)) {
                    head = in.readNBytes(magic.length);
                }
                if (!java.util.Arrays.equals(head, magic)) {
                    throw new InvalidInputException(flag + ": '" + path + "' is not a " + what);
                }
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(flag + ": file '" + path + "' does not exist");
        } catch (AccessDeniedException e) {
            throw new InvalidInputException(flag + ": file '" + path + "' is not readable (permission denied)");
        } catch (IOException e) {
            throw new InvalidInputException(flag + ": cannot read '" + path + "': " + e.getMessage());
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates the folder {@code dir} names (and its parents), or says in one line why not, naming {@code flag}. */
    public static Path createFolder(Path dir, String flag) {
        try {
            return Files.createDirectories(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new InvalidInputException(flag + ": '" + dir + "' is a file; give a folder (it is created if missing)");
        } catch (IOException e) {
            throw new InvalidInputException(flag + ": cannot create the folder '" + dir + "': "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** Writes float32 [rows, cols] to {@code path} through a temporary file, so a failure leaves nothing behind. */
    public static void writeNpy(Path path, float[] values, int rows, int cols) throws IOException {
        writeAtomically(path, out -> NpyFile.writeFloat32(out, values, rows, cols));
    }

    public static void writeNpy(Path path, float[] values, long[] shape) throws IOException {
        writeAtomically(path, out -> NpyFile.writeFloat32(out, values, shape));
    }

    /** Something that writes a file's whole content. */
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes to a sibling temporary file, then renames it over {@code path}. */
    public static void writeAtomically(Path path, Writer writer) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        // a short name of its own (NAME plus a suffix could pass the file system's 255-byte limit), made
        // as any new file is, so the umask decides its mode (createTempFile's is 0600 whatever the umask)
        Path tmp = dir.resolve(".pfgm-" + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current()
                .nextLong(), 36) + ".tmp");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE), 1 << 16)) {
                writer.write(out);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
