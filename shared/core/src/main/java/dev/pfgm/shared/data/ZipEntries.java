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

    /** All entries of {@code bytes}; {@code what} names the expected kind of file in errors. */
    public static Map<String, byte[]> read(byte[] bytes, String name, String what) {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        } catch (ZipException e) {
            throw new InvalidInputException(name + ": not a " + what + " (" + e.getMessage() + ")");
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
