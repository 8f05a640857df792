package dev.pfgm.worker;

import dev.pfgm.engine.model.ModelFile;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.store.ModelStore;
import dev.pfgm.shared.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The last few models a worker loaded, by id: a synthesis's shards all draw from one model, and
 * downloading and parsing it for each shard would be most of a small shard's fixed cost.
 */
final class ModelCache {
    private static final int KEEP = 2;

    /** A model with the SHA-256 of its file (the manifest names it). */
    record Loaded(PfgmModel model, String sha256) {
    }

    private final ModelStore models;
    private final ObjectStore objects;
    private final Path scratch;
    private final Map<UUID, Loaded> recent = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Loaded> eldest) {
            return size() > KEEP;
        }
    };

    ModelCache(ModelStore models, ObjectStore objects, Path scratch) {
        this.models = models;
        this.objects = objects;
        this.scratch = scratch;
    }

    synchronized Loaded get(String tenant, UUID id) throws IOException {
        Loaded l = recent.get(id);
        if (l != null) {
            return l;
        }
        var m = models.get(tenant, id).orElseThrow(() -> new InvalidInputException("model " + id + " no longer exists"));
        Path file = Files.createTempFile(scratch, "model-", ".pfgm");
        try {
            objects.get(m.objectKey(), file);
            byte[] bytes = Files.readAllBytes(file);
            l = new Loaded(ModelFile.read(bytes, "model " + id), DataFiles.sha256(bytes));
        } finally {
            Files.deleteIfExists(file);
        }
        recent.put(id, l);
        return l;
    }
}
