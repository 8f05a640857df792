package dev.pfgm.worker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.DataLimits;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.data.Labels;
import dev.pfgm.shared.store.DatasetStore;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.Keys;
import dev.pfgm.shared.store.ModelStore;
import dev.pfgm.shared.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** A job's files: its dataset fetched to scratch, its outputs uploaded under the attempt's keys and listed. */
record JobFiles(DatasetStore datasets, ModelStore models, ObjectStore objects, DataLimits limits) {

    /** A dataset as a table or as images, by its stored format (and, for .npy, its rank). */
    ImageFiles.Loaded load(String tenant, String ref, Path dir) throws IOException {
        return fetch(tenant, ref, dir).data();
    }

    /** A dataset as {@link #load} gives it, with the name of the table's label column (null when none). */
    record Fetched(ImageFiles.Loaded data, String labelColumn) {
    }

    /** {@link #load} with the label column read from the same database row (one read, one version of it). */
    Fetched fetch(String tenant, String ref, Path dir) throws IOException {
        if (BuiltinData.isBuiltin(ref)) {
            return new Fetched(ref.equals(ImageFiles.DISCS) ? ImageFiles.load(ref, null, "dataset", null)
                    : new ImageFiles.Loaded(BuiltinData.load(ref), null), null);
        }
        var d = datasets.get(tenant, UUID.fromString(ref))
                .orElseThrow(() -> new InvalidInputException("dataset " + ref + " no longer exists"));
        String ext = switch (d.format()) {
            case "png-zip" -> "zip";
            default -> d.format();
        };
        Path file = dir.resolve("data." + ext);
        objects.get(d.objectKey(), file);
        ImageFiles.Loaded loaded = ImageFiles.load(file.toString(), null, "dataset " + ref, null, limits)
                .withSource("dataset " + ref);
        if (d.labels() == null) {
            return new Fetched(loaded, null);
        }
        if (!loaded.isImages()) {
            Labels.Split split = Labels.split(loaded.table(), d.labels().column(), "dataset " + ref);
            return new Fetched(new ImageFiles.Loaded(split.features(), null, split.labels()), d.labels().column());
        }
        Path labels = dir.resolve("labels." + d.labels().format());
        objects.get(d.labels().key(), labels);
        ImageSet im = loaded.images();
        int[] l = Labels.read(Files.readAllBytes(labels), d.labels().format(), "labels of dataset " + ref, im.count());
        return new Fetched(new ImageFiles.Loaded(null, new ImageSet(im.source(), im.pixels(), im.count(), im.channels(),
                im.height(), im.width(), im.eightBit(), l, im.sha256())), null);
    }

    /** The dataset a model was trained on (an id or builtin:NAME). */
    String modelDataset(String tenant, UUID modelId) {
        return models.get(tenant, modelId)
                .orElseThrow(() -> new InvalidInputException("model " + modelId + " no longer exists")).dataset();
    }

    /** The model a job names, fetched to scratch and read. */
    PfgmModel model(String tenant, UUID modelId, Path dir) {
        var m = models.get(tenant, modelId)
                .orElseThrow(() -> new InvalidInputException("model " + modelId + " no longer exists"));
        Path file = dir.resolve("model.pfgm");
        objects.get(m.objectKey(), file);
        return ModelFile.read(file, "model " + m.id());
    }

    String upload(JobRecord job, ProgressReporter progress, Path file, String name, String contentType, ArrayNode artifacts)
            throws IOException {
        String key = Keys.jobOutput(job.id(), job.attempt(), name);
        objects.put(key, file, contentType);
        progress.log("wrote " + name + " (" + Files.size(file) + " bytes)");
        listArtifact(artifacts, file, name, key, contentType);
        return key;
    }

    static void listArtifact(ArrayNode artifacts, Path file, String name, String key, String contentType)
            throws IOException {
        artifacts.addObject().put("name", name).put("key", key).put("bytes", Files.size(file))
                .put("sha256", sha256(file)).put("content_type", contentType);
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // scratch space only
        }
    }
}
