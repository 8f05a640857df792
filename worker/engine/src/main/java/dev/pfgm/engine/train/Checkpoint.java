package dev.pfgm.engine.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.model.ImageMeta;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.data.ZipEntries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.ZipOutputStream;

/**
 * Everything image training needs to continue exactly where it stopped: settings, step, weights,
 * their EMA, Adam's moments and step count, the loss history and the data checksum. Batches are
 * drawn from per-step random streams (seed, step), so the step is the whole random state. Stored
 * as a zip: checkpoint.json, params.npy, ema.npy, adam_m.npy, adam_v.npy, losses.npy.
 */
public record Checkpoint(TrainSettings settings, ImageMeta image, String dataSha256, int step, float[] params,
                         float[] ema, long emaUpdates, float[] adamM, float[] adamV, long adamSteps, float[] losses,
                         double seconds) {
    public static final String FORMAT = "pfgm-checkpoint";
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                ObjectNode head = JSON.createObjectNode();
                head.put("format", FORMAT).put("version", VERSION).put("step", step)
                        .put("data_sha256", dataSha256).put("ema_updates", emaUpdates).put("adam_steps", adamSteps)
                        .put("seconds", seconds);
                head.set("settings", settings.toJson());
                head.set("image", JSON.valueToTree(image));
                ZipEntries.put(zip, "checkpoint.json", JSON.writeValueAsBytes(head));
                putArray(zip, "params.npy", params);
                putArray(zip, "ema.npy", ema);
                putArray(zip, "adam_m.npy", adamM);
                putArray(zip, "adam_v.npy", adamV);
                putArray(zip, "losses.npy", losses);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing a checkpoint to memory failed", e);
        }
    }

    public static Checkpoint read(byte[] bytes, String name) {
        Map<String, byte[]> entries = ZipEntries.read(bytes, name, "pfgm checkpoint");
        byte[] headBytes = entries.get("checkpoint.json");
        if (headBytes == null) {
            throw new InvalidInputException(name + ": not a pfgm checkpoint (no checkpoint.json)");
        }
        try {
            JsonNode head = JSON.readTree(headBytes);
            if (!FORMAT.equals(head.path("format").asText())) {
                throw new InvalidInputException(name + ": not a pfgm checkpoint");
            }
            if (head.path("version").asInt(-1) > VERSION) {
                throw new InvalidInputException(name + ": checkpoint version " + head.path("version").asInt()
                        + " is newer than this program reads (" + VERSION + ")");
            }
            TrainSettings settings = TrainSettings.storedDefaults().with(head.get("settings"), name + " settings");
            ImageMeta image = JSON.treeToValue(head.get("image"), ImageMeta.class);
            return new Checkpoint(settings, image, head.path("data_sha256").asText(), head.path("step").asInt(),
                    array(entries, "params.npy", name), array(entries, "ema.npy", name),
                    head.path("ema_updates").asLong(), array(entries, "adam_m.npy", name),
                    array(entries, "adam_v.npy", name), head.path("adam_steps").asLong(),
                    array(entries, "losses.npy", name), head.path("seconds").asDouble());
        } catch (IOException e) {
            throw new InvalidInputException(name + ": damaged checkpoint: " + e.getMessage());
        }
    }

    private static float[] array(Map<String, byte[]> entries, String entry, String name) {
        byte[] b = entries.get(entry);
        if (b == null) {
            throw new InvalidInputException(name + ": checkpoint lacks " + entry);
        }
        double[] v = NpyFile.parse(b, name + " " + entry).values();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    private static void putArray(ZipOutputStream zip, String name, float[] values) throws IOException {
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        NpyFile.writeFloat32(w, values, 1, values.length);
        ZipEntries.put(zip, name, w.toByteArray());
    }
}
