package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** The small zip files the engine writes (models, checkpoints, classifiers): every entry by name. */
public final class ZipEntries {
    private ZipEntries() {
    }

    /**
     * All entries of {@code bytes}; {@code what} names the expected kind of file in errors. The
     * entries may hold at most 64 times the file's size (and 64 MiB more) in all: what the engine
     * writes compresses far less than that, and a zip bomb of a few MB once unpacked to gigabytes.
     */
    public static Map<String, byte[]> read(byte[] bytes, String name, String what) {
        Map<String, byte[]> entries = new HashMap<>();
        long budget = 64L * bytes.length + (64L << 20);
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            byte[] buf = new byte[1 << 16];
            while ((e = zip.getNextEntry()) != null) {
                java.io.ByteArrayOutputStream entry = new java.io.ByteArrayOutputStream();
                for (int n; (n = zip.read(buf)) > 0;) {
                    budget -= n;
                    if (budget < 0) {
                        throw new InvalidInputException(name + ": not a " + what + " (its entries unpack to more than"
                                + " 64 times its size)");
                    }
                    entry.write(buf, 0, n);
                }
                entries.put(e.getName(), entry.toByteArray());
            }
        } catch (ZipException e) {
            throw new InvalidInputException(name + ": not a " + what + " (" + e.getMessage() + ")");
        } catch (java.io.EOFException e) { // its message is null: a file cut short said "cannot read ...: null"
            throw new InvalidInputException(name + ": not a " + what + " (it ends inside an entry: cut short?)");
        } catch (IOException e) {
            throw new InvalidInputException(name + ": cannot read " + what + ": " + e.getMessage());
        }
        return entries;
    }

    public static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }
}
