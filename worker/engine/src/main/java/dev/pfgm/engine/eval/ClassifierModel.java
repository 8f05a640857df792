package dev.pfgm.engine.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.nn.Adam;
import dev.pfgm.engine.nn.ReplicaPool;
import dev.pfgm.engine.nn.conv.Classifier;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.engine.sample.ChunkRunner;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.data.ZipEntries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipOutputStream;

/**
 * A trained domain classifier with its validation accuracy, trained on labelled images and stored
 * as a zip (classifier.json + weights.npy). Training holds out a tenth of the images (at most
 * 5,000) to report accuracy; Adam at 2e-3, the last epoch at 5e-4, batch 128. {@code dataSha256} is
 * the checksum of the images it was trained on.
 */
public record ClassifierModel(Classifier network, double accuracy, String dataSha256) {
    public static final String FORMAT = "pfgm-classifier";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 128;
    /** Rows per chunk of a training batch (one chunk per replica at two cores). */
    private static final int CHUNK_ROWS = 64;

    /**
     * Refuses images of another shape than the network takes, naming {@code flag} and whose images
     * they are ({@code whose}: "the model's", "the data's").
     */
    public void checkTakes(int channels, int height, int width, String flag, String whose) {
        int[] cs = network.shape();
        if (cs[0] != channels || cs[1] != height || cs[2] != width) {
            throw new InvalidInputException(flag + ": it takes " + cs[0] + "x" + cs[1] + "x" + cs[2] + " images; "
                    + whose + " are " + channels + "x" + height + "x" + width);
        }
    }

    /** Step listener: epoch (1-based), fraction of all training done, running loss. */
    public interface Listener {
        void onProgress(int epoch, double fraction, double loss);
    }

    public static ClassifierModel train(ImageSet data, int epochs, long seed, Listener listener) {
        return train(data, epochs, seed, ChunkRunner.threads(), listener);
    }

    /**
     * The classes a classifier of these images has (the largest label plus one), or why it can have
     * none: no labels, or one label for every image.
     */
    public static int classes(ImageSet data) {
        int[] labels = data.labels();
        if (labels == null) {
            throw new InvalidInputException("--labels: the classifier needs one label per image");
        }
        int classes = 0;
        boolean varied = false;
        for (int l : labels) {
            classes = Math.max(classes, l + 1);
            varied |= l != labels[0];
        }
        if (!varied) { // label 3 alone made 4 classes, 3 of them never seen
            throw new InvalidInputException("--labels: every image has label " + labels[0] + "; need at least 2 classes");
        }
        return classes;
    }

    /** As above on {@code threads} replicas; the weights do not depend on it. */
    static ClassifierModel train(ImageSet data, int epochs, long seed, int threads, Listener listener) {
        int classes = classes(data);
        int[] labels = data.labels();
        int n = data.count();
        int dim = data.dim();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SeedPlan rng = SeedPlan.forItem(seed, 0);
        shuffle(order, rng);
        int held = Math.min(5000, n / 10);
        int trainN = n - held;
        Classifier net = new Classifier(data.channels(), data.height(), data.width(), classes);
        net.initialise(SeedPlan.forItem(seed, 1));
        Adam adam = new Adam(net.parameters().length, 0.9, 0.999, 1e-8);
        float[] grad = new float[net.parameters().length];
        float[] batch = new float[BATCH * dim];
        int[] batchLabels = new int[BATCH];
        float[] px = data.pixels();
        int stepsPerEpoch = trainN / BATCH;
        double smooth = Double.NaN;
        // each step's batch in chunks, one replica of the network per core (as image training does)
        int chunks = BATCH / CHUNK_ROWS;
        float[][] grads = new float[chunks][grad.length];
        double[] losses = new double[chunks];
        List<Classifier> nets = new ArrayList<>(List.of(net));
        while (nets.size() < Math.min(threads, chunks)) {
            Classifier copy = new Classifier(data.channels(), data.height(), data.width(), classes);
            copy.load(net.parameters());
            nets.add(copy);
        }
        try (ReplicaPool<Classifier> replicas = new ReplicaPool<>(nets)) {
            for (int e = 1; e <= epochs; e++) {
                int[] epochOrder = java.util.Arrays.copyOf(order, trainN);
                shuffle(epochOrder, SeedPlan.forItem(seed, 100 + e));
                double lr = e == epochs && epochs > 1 ? 5e-4 : 2e-3;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    for (int b = 0; b < BATCH; b++) {
                        int idx = epochOrder[s * BATCH + b];
                        System.arraycopy(px, idx * dim, batch, b * dim, dim);
                        batchLabels[b] = labels[idx];
                    }
                    replicas.run(chunks, (replica, c) -> losses[c] = replica.lossAndGradient(batch, batchLabels,
                            c * CHUNK_ROWS, CHUNK_ROWS, BATCH, grads[c])[0]);
                    double loss = 0;
                    java.util.Arrays.fill(grad, 0f);
                    for (int c = 0; c < chunks; c++) {
                        loss += losses[c] / BATCH;
                        for (int k = 0; k < grad.length; k++) {
                            grad[k] += grads[c][k];
                        }
                    }
                    adam.update(net.parameters(), grad, lr, 5.0);
                    net.commit();
                    for (int r = 1; r < replicas.size(); r++) {
                        replicas.get(r).load(net.parameters());
                    }
                    smooth = Double.isNaN(smooth) ? loss : 0.98 * smooth + 0.02 * loss;
                    listener.onProgress(e, ((e - 1) * stepsPerEpoch + s + 1.0) / (epochs * stepsPerEpoch), smooth);
                }
            }
        }
        int correct = 0;
        float[] probs = new float[BATCH * classes];
        for (int start = trainN; start < n; start += BATCH) {
            int m = Math.min(BATCH, n - start);
            for (int b = 0; b < m; b++) {
                System.arraycopy(px, order[start + b] * dim, batch, b * dim, dim);
            }
            net.predict(batch, 0, m, probs, null);
            for (int b = 0; b < m; b++) {
                int best = 0;
                for (int k = 1; k < classes; k++) {
                    if (probs[b * classes + k] > probs[b * classes + best]) {
                        best = k;
                    }
                }
                correct += best == labels[order[start + b]] ? 1 : 0;
            }
        }
        return new ClassifierModel(net, held == 0 ? Double.NaN : (double) correct / held, data.sha256());
    }

    private static void shuffle(int[] a, SeedPlan rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Probabilities [n, classes] and features [n, 128] of many images, in batches. */
    public void classify(float[] images, int n, float[] probs, float[] features) {
        int[] s = network.shape();
        int dim = s[0] * s[1] * s[2];
        int classes = network.classes();
        float[] p = new float[BATCH * classes];
        float[] f = new float[BATCH * Classifier.FEATURES];
        for (int start = 0; start < n; start += BATCH) {
            int m = Math.min(BATCH, n - start);
            network.predict(images, start * dim, m, p, f);
            System.arraycopy(p, 0, probs, start * classes, m * classes);
            if (features != null) {
                System.arraycopy(f, 0, features, start * Classifier.FEATURES, m * Classifier.FEATURES);
            }
        }
    }

    /** Mean and covariance of the 128 features of {@code n} images: what Fréchet distances compare. */
    public FeatureStats featureStats(float[] images, int n) {
        float[] probs = new float[n * network.classes()];
        float[] feats = new float[n * Classifier.FEATURES];
        classify(images, n, probs, feats);
        return FeatureStats.of(feats, n, Classifier.FEATURES);
    }

    public byte[] toBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            int[] s = network.shape();
            ObjectNode head = JSON.createObjectNode();
            head.put("format", FORMAT).put("version", 1).put("channels", s[0]).put("height", s[1]).put("width", s[2])
                    .put("classes", network.classes()).put("validation_accuracy", accuracy).put("data_sha256", dataSha256);
            ZipEntries.put(zip, "classifier.json", JSON.writeValueAsBytes(head));
            ByteArrayOutputStream w = new ByteArrayOutputStream();
            NpyFile.writeFloat32(w, network.parameters(), 1, network.parameters().length);
            ZipEntries.put(zip, "weights.npy", w.toByteArray());
        }
        return bytes.toByteArray();
    }

    public static ClassifierModel read(byte[] bytes, String name) {
        Map<String, byte[]> entries = ZipEntries.read(bytes, name, "pfgm classifier file");
        try {
            JsonNode head = entries.containsKey("classifier.json") ? JSON.readTree(entries.get("classifier.json")) : null;
            if (head == null || !FORMAT.equals(head.path("format").asText()) || !entries.containsKey("weights.npy")) {
                throw new InvalidInputException(name + ": not a pfgm classifier file");
            }
            Classifier net = new Classifier(head.path("channels").asInt(), head.path("height").asInt(),
                    head.path("width").asInt(), head.path("classes").asInt());
            double[] w = NpyFile.parse(entries.get("weights.npy"), name).values();
            float[] f = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                f[i] = (float) w[i];
            }
            if (f.length != net.parameters().length) {
                throw new InvalidInputException(name + ": weights.npy holds " + f.length + " values, expected "
                        + net.parameters().length);
            }
            net.load(f);
            return new ClassifierModel(net, head.path("validation_accuracy").asDouble(Double.NaN),
                    head.path("data_sha256").asText());
        } catch (IOException e) {
            throw new InvalidInputException(name + ": not a pfgm classifier file (" + e.getMessage() + ")");
        }
    }
}
