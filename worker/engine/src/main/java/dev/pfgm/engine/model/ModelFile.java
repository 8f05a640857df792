package dev.pfgm.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.data.Standardizer;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.data.ZipEntries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipOutputStream;

/**
 * The model file: a zip holding manifest.json (format and version), settings.json (resolved
 * training settings), normalization.json, provenance.json, weights.npy (EMA weights, float32)
 * and loss.csv (step, loss); image models add image.json ({@link ImageMeta}), class-conditional vector
 * models classes.json (training examples per class). Readers refuse a newer format version, naming both numbers.
 */
public final class ModelFile {
    public static final String FORMAT = "pfgm-model";
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFile() {
    }

    public static void write(PfgmModel model, Path path) throws IOException {
        DataFiles.writeAtomically(path, out -> write(model, out));
    }

    public static void write(PfgmModel model, OutputStream sink) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(sink);
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", FORMAT).put("version", VERSION).put("family", "pfgm").put("dim", model.dim())
                .put("kind", model.isImage() ? "image" : "vector");
        put(zip, "manifest.json", JSON.writeValueAsBytes(manifest));
        put(zip, "settings.json", JSON.writeValueAsBytes(model.settings().toJson()));
        put(zip, "normalization.json", JSON.writeValueAsBytes(model.standardizer()));
        if (model.isImage()) {
            put(zip, "image.json", JSON.writeValueAsBytes(model.image()));
        } else if (model.classCounts() != null) {
            ObjectNode classes = JSON.createObjectNode();
            var counts = classes.putArray("counts");
            for (int c : model.classCounts()) {
                counts.add(c);
            }
            if (model.labelColumn() != null) {
                classes.put("label_column", model.labelColumn());
            }
            put(zip, "classes.json", JSON.writeValueAsBytes(classes));
        }
        put(zip, "provenance.json", JSON.writeValueAsBytes(model.provenance()));
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        NpyFile.writeFloat32(w, model.weights(), 1, model.weights().length);
        put(zip, "weights.npy", w.toByteArray());
        StringBuilder csv = new StringBuilder("step,loss\n");
        float[] losses = model.losses();
        for (int i = 0; i < losses.length; i++) {
            csv.append(i + 1).append(',').append(String.format(Locale.ROOT, "%.6g", losses[i])).append('\n');
        }
        put(zip, "loss.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        zip.finish();
        zip.flush();
    }

    public static PfgmModel read(Path path, String flag) {
        return read(readBytes(path, flag), flag + " '" + path + "'");
    }

    /** A model file's bytes, refused on its first bytes unless it is a zip, as every model file is. */
    public static byte[] readBytes(Path path, String flag) {
        return DataFiles.readBytes(path, flag, new byte[] {'P', 'K', 3, 4}, "pfgm model file (not a zip file)");
    }

    public static PfgmModel read(byte[] bytes, String name) {
        Map<String, byte[]> entries = ZipEntries.read(bytes, name, "pfgm model file");
        if (!entries.containsKey("manifest.json")) {
            throw new InvalidInputException(name + ": not a pfgm model file (no manifest.json)");
        }
        try {
            JsonNode manifest = JSON.readTree(entries.get("manifest.json"));
            if (!FORMAT.equals(manifest.path("format").asText())) {
                throw new InvalidInputException(name + ": not a pfgm model file");
            }
            JsonNode version = manifest.path("version");
            if (!version.isIntegralNumber() || version.bigIntegerValue().signum() <= 0) {
                throw new InvalidInputException(name + ": damaged model file: manifest.json's version is "
                        + version + ", not a format version (a whole number from 1)");
            }
            if (version.bigIntegerValue().compareTo(java.math.BigInteger.valueOf(VERSION)) > 0) {
                // the number as written: read as an int, a huge one wrapped into another
                throw new InvalidInputException(name + ": model format version " + version.asText()
                        + " is newer than this program reads (" + VERSION + "); upgrade pfgm");
            }
            TrainSettings settings = TrainSettings.storedDefaults().with(JSON.readTree(need(entries, "settings.json", name)),
                    name + " settings.json");
            Standardizer st = JSON.readValue(need(entries, "normalization.json", name), Standardizer.class);
            Provenance prov = JSON.readValue(need(entries, "provenance.json", name), Provenance.class);
            NpyFile.Array w = NpyFile.parse(need(entries, "weights.npy", name), name + " weights.npy");
            float[] weights = new float[w.values().length];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) w.values()[i];
                if (!Float.isFinite(weights[i])) {
                    throw new InvalidInputException(name + ": damaged model file: weight " + i + " is " + weights[i]);
                }
            }
            float[] losses = readLosses(entries.get("loss.csv"), name);
            ImageMeta image = entries.containsKey("image.json")
                    ? JSON.readValue(entries.get("image.json"), ImageMeta.class) : null;
            int[] classCounts = null;
            String labelColumn = null;
            if (entries.containsKey("classes.json")) {
                JsonNode classes = JSON.readTree(entries.get("classes.json"));
                JsonNode counts = classes.path("counts");
                if (!counts.isArray()) {
                    throw new InvalidInputException(name + ": damaged model file: classes.json's counts is not a list");
                }
                classCounts = new int[counts.size()];
                for (int k = 0; k < classCounts.length; k++) {
                    classCounts[k] = counts.get(k).asInt(-1);
                }
                labelColumn = classes.hasNonNull("label_column") ? classes.get("label_column").asText() : null;
            }
            checkShapes(st, image, classCounts, name);
            checkFlow(settings, name);
            PfgmModel model = new PfgmModel(settings, st, weights, prov, losses, image, classCounts)
                    .withLabelColumn(labelColumn);
            int expected = model.expectedWeights();
            if (expected != weights.length) {
                throw new InvalidInputException(name + ": weights.npy holds " + weights.length
                        + " values but the settings describe a network with " + expected);
            }
            return model;
        } catch (IOException e) {
            throw new InvalidInputException(name + ": damaged model file: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            // an entry of the right name and the wrong content (a null, a word for a number): what the
            // checks above did not foresee is still the file's damage, not the program's
            throw new InvalidInputException(name + ": damaged model file" + (e.getMessage() == null ? ""
                    : ": " + e.getMessage().lines().findFirst().orElse("")));
        }
    }

    /**
     * The entries agree with one another: a mean and a spread per column, each finite (spreads
     * positive), an image shape that holds exactly those columns, class counts that are counts.
     */
    private static void checkShapes(Standardizer st, ImageMeta image, int[] classCounts, String name) {
        if (st == null || st.mean() == null || st.std() == null || st.mean().length == 0
                || st.mean().length != st.std().length) {
            throw new InvalidInputException(name + ": damaged model file: normalization.json needs as many spreads"
                    + " as means, at least one");
        }
        for (int j = 0; j < st.dim(); j++) {
            // within float32, as the data a model trains on is (a mean of 1e39 sampled Infinity)
            if (!(Math.abs(st.mean()[j]) <= Float.MAX_VALUE) || !(st.std()[j] <= Float.MAX_VALUE) || !(st.std()[j] > 0)) {
                throw new InvalidInputException(name + ": damaged model file: normalization.json column " + j
                        + " has mean " + st.mean()[j] + " and spread " + st.std()[j]);
            }
        }
        if (!(st.maxNorm() > 0 && st.maxNorm() <= Float.MAX_VALUE)) {
            throw new InvalidInputException(name + ": damaged model file: normalization.json's maxNorm is "
                    + st.maxNorm() + ", not a positive norm");
        }
        if (st.columns() != null && st.columns().size() != st.dim()) {
            // sample --out x.csv indexed past the list: an exit 1 with an IndexOutOfBoundsException
            throw new InvalidInputException(name + ": damaged model file: normalization.json names "
                    + st.columns().size() + " columns for the model's " + st.dim());
        }
        if (image != null && (image.channels() < 1 || image.height() < 1 || image.width() < 1
                || (long) image.channels() * image.height() * image.width() != st.dim())) {
            throw new InvalidInputException(name + ": damaged model file: image.json's " + image.channels() + "x"
                    + image.height() + "x" + image.width() + " is not the model's " + st.dim() + " values");
        }
        if (classCounts != null) {
            for (int c : classCounts) {
                if (c < 0) {
                    throw new InvalidInputException(name + ": damaged model file: classes.json has a negative count");
                }
            }
        }
    }

    /** A stored model's settings are resolved: the flow runs from z_max down to z_min, both positive. */
    private static void checkFlow(TrainSettings s, String name) {
        if (!(s.zMin() > 0 && s.zMax() > s.zMin() && s.zMax() <= Float.MAX_VALUE)) {
            // z_max 0 sampled NaN rows, written as such with exit 0
            throw new InvalidInputException(name + ": damaged model file: settings.json's z_min " + s.zMin()
                    + " and z_max " + s.zMax() + " are not a flow's range (0 < z_min < z_max)");
        }
    }

    private static byte[] need(Map<String, byte[]> entries, String entry, String name) {
        byte[] b = entries.get(entry);
        if (b == null) {
            throw new InvalidInputException(name + ": model file lacks " + entry);
        }
        return b;
    }

    private static float[] readLosses(byte[] csv, String name) {
        if (csv == null) {
            return new float[0];
        }
        String[] lines = new String(csv, StandardCharsets.UTF_8).split("\n");
        float[] out = new float[Math.max(0, lines.length - 1)];
        for (int i = 1; i < lines.length; i++) {
            try {
                out[i - 1] = Float.parseFloat(lines[i].substring(lines[i].indexOf(',') + 1));
            } catch (NumberFormatException e) {
                throw new InvalidInputException(name + ": damaged model file: loss.csv line " + (i + 1)
                        + " is not STEP,LOSS");
            }
        }
        return out;
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntries.put(zip, name, data);
    }
}
