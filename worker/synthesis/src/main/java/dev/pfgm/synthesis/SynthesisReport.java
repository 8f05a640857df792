package dev.pfgm.synthesis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.engine.eval.Evaluation;
import dev.pfgm.engine.eval.GaussianBaseline;
import dev.pfgm.engine.eval.SampleStats;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.train.Holdout;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageGrid;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.synthesis.SynthesisSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * report.json of a synthesis: how close the synthetic rows are to the training data, and how far
 * from copying it. Every figure stands beside the same figure for rows the model never saw (the
 * held-out split: the floor a perfect model reaches) and, for quality, for a full-covariance
 * Gaussian fitted to the training rows (a baseline that knows no shape). Tables: per-column
 * Kolmogorov-Smirnov, the correlation-matrix difference and sliced Wasserstein-1 in standardised
 * units; privacy: each row's distance to the closest training row (DCR), the share of synthetic
 * rows closer than the 5th percentile of the held-out rows' DCR, and exact copies. Images: DCR and
 * copies on pixels, and with a classifier the evaluation's Fréchet distance, confident share and
 * class-histogram TV.
 */
public final class SynthesisReport {
    /** Training rows the distances are taken to, at most (spread evenly over the data). */
    static final int REFERENCE = 20_000;
    static final int IMAGE_REFERENCE = 2_000;
    static final int HELD_OUT = 5_000;
    /** Held-out rows a table's report needs for its floor and privacy baseline. */
    public static final int MIN_HELD_OUT = SynthesisSpec.MIN_HELD_OUT;
    private static final int MARGINAL_COLUMNS = 12;
    static final int BINS = 30;
    private static final long SEED = 0x5EED;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private SynthesisReport() {
    }

    /** The sample parts ({@link ReportSample}) joined: [m, width] floats. */
    record Sample(float[] values, int rows, int width) {
        static Sample join(List<byte[]> parts) {
            List<NpyFile.Array> arrays = new ArrayList<>();
            int rows = 0;
            int width = 0;
            for (byte[] p : parts) {
                NpyFile.Array a = NpyFile.parse(p, "report sample");
                arrays.add(a);
                rows += (int) a.shape()[0];
                width = (int) a.shape()[1];
            }
            float[] v = new float[rows * width];
            int k = 0;
            for (NpyFile.Array a : arrays) {
                for (double x : a.values()) {
                    v[k++] = (float) x;
                }
            }
            return new Sample(v, rows, width);
        }
    }

    /** Data to compare the samples with, checked against the model: images of its shape, or rows of its columns. */
    public static ImageFiles.Loaded fits(PfgmModel model, ImageFiles.Loaded l, String what) {
        if (l.isImages() != model.isImage()) {
            throw new InvalidInputException(what + ": " + (l.isImages() ? "images" : "a table") + ", but the model draws "
                    + (model.isImage() ? "images" : "table rows"));
        }
        if (l.isImages() && (l.images().channels() != model.image().channels() || l.images().height()
                != model.image().height() || l.images().width() != model.image().width())) {
            throw new InvalidInputException(what + ": images of " + l.images().channels() + "x" + l.images().height() + "x"
                    + l.images().width() + ", but the model's are " + model.image().channels() + "x"
                    + model.image().height() + "x" + model.image().width());
        }
        if (!l.isImages() && l.table().dim() != model.dim()) {
            throw new InvalidInputException(what + ": rows of " + l.table().dim() + " columns, but the model's have "
                    + model.dim());
        }
        return l;
    }

    /**
     * Held-out data as {@link #fits} checks it, at least {@value #MIN_HELD_OUT} rows or images, and not
     * the file the model was trained on (held-out rows that are training rows make every synthetic
     * row look far from a copy).
     */
    public static ImageFiles.Loaded heldOut(PfgmModel model, ImageFiles.Loaded l, String what) {
        fits(model, l, what);
        int count = l.isImages() ? l.images().count() : l.table().count();
        if (count < MIN_HELD_OUT) {
            throw new InvalidInputException(what + ": " + count + (l.isImages() ? " images" : " rows")
                    + "; the report compares with at least " + MIN_HELD_OUT);
        }
        String sha = l.isImages() ? l.images().sha256() : l.table().sha256();
        if (sha != null && !sha.isEmpty() && sha.equals(model.provenance().dataSha256())) {
            throw new InvalidInputException(what + ": the data the model was trained on (the same SHA-256); held-out"
                    + " rows are rows it never saw");
        }
        return l;
    }

    /**
     * @param training  the data the model was trained on (null when it cannot be read: the report then
     *                  says so and gives what it can)
     * @param heldOut   rows the model never saw, given explicitly (null: a table's recorded holdout)
     * @param classifier images only, may be null
     */
    public static ObjectNode build(PfgmModel model, List<byte[]> sampleParts, boolean labels, boolean logDensity,
                                   ImageFiles.Loaded training, String trainingProblem, ImageFiles.Loaded heldOut,
                                   ClassifierModel classifier) {
        Sample s = Sample.join(sampleParts);
        int dim = model.dim();
        float[] values = new float[s.rows() * dim];
        int[] classes = labels ? new int[s.rows()] : null;
        double[] logp = logDensity ? new double[s.rows()] : null;
        for (int i = 0; i < s.rows(); i++) {
            System.arraycopy(s.values(), i * s.width(), values, i * dim, dim);
            int c = dim;
            if (classes != null) {
                classes[i] = Math.round(s.values()[i * s.width() + c++]);
            }
            if (logp != null) {
                logp[i] = s.values()[i * s.width() + c];
            }
        }
        ObjectNode r = F.objectNode();
        r.put("kind", model.isImage() ? "images" : "table");
        if (training == null) {
            r.put("training_data", "unavailable: " + trainingProblem);
        } else if (model.isImage()) {
            images(r, model, values, s.rows(), training.images(), heldOut == null ? null : heldOut.images(), classifier);
        } else {
            table(r, model, values, s.rows(), training.table(), heldOut == null ? null : heldOut.table());
        }
        if (classes != null) {
            ObjectNode cl = r.putObject("classes");
            int[] trainCounts = model.classCounts();
            double[] syn = new double[trainCounts == null ? 0 : trainCounts.length];
            for (int c : classes) {
                syn[c] += 1.0 / classes.length;
            }
            cl.set("synthetic", array(syn));
            if (trainCounts != null) {
                double total = Arrays.stream(trainCounts).sum();
                cl.set("training", array(Arrays.stream(trainCounts).mapToDouble(c -> c / total).toArray()));
            }
        }
        if (logp != null) {
            r.putObject("log_density").put("mean", Arrays.stream(logp).average().orElse(Double.NaN))
                    .put("p05", SampleStats.quantile(logp, 0.05)).put("median", SampleStats.quantile(logp, 0.5))
                    .put("p95", SampleStats.quantile(logp, 0.95));
        }
        return r;
    }

    // ---- tables ----

    private static void table(ObjectNode r, PfgmModel model, float[] syn, int n, Dataset data, Dataset given) {
        int dim = model.dim();
        if (data.dim() != dim) {
            r.put("training_data", "unavailable: it has " + data.dim() + " columns, the model " + dim);
            return;
        }
        double holdout = model.settings().holdout();
        boolean[] held = holdout > 0 ? Holdout.mask(data.count(), holdout, model.settings().seed()) : null;
        Dataset train = held == null ? data : Holdout.rows(data, held, false);
        Dataset heldOut = given != null ? given : held == null ? null : Holdout.rows(data, held, true);
        if (heldOut != null && heldOut.count() < MIN_HELD_OUT) {
            heldOut = null;
        }
        r.put("held_out", given != null && heldOut != null ? "rows given with the report (" + heldOut.count() + ", "
                + given.source() + ")"
                : given != null ? "none: the " + given.count() + " rows given are fewer than " + MIN_HELD_OUT
                : heldOut != null ? "the " + Math.round(holdout * 100) + "% of rows the model was trained without"
                : "none: the model was trained on every row (train with holdout > 0 for a floor and a privacy baseline)");
        List<String> columns = PartLayout.of(model).columns();
        double[] t = standardised(model, spread(train.values(), train.count(), dim, REFERENCE));
        int nt = t.length / dim;
        double[] x = standardised(model, toDouble(syn));
        double[] h = heldOut == null ? null : standardised(model, spread(heldOut.values(), heldOut.count(), dim, HELD_OUT));
        int nh = h == null ? 0 : h.length / dim;
        float[] tf = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            tf[i] = (float) t[i];
        }
        double[] g = toDouble(GaussianBaseline.fit(tf, nt, dim).sample(n, SEED));
        // quality is compared at one sample size: the statistics' sampling noise shrinks with it, and the
        // held-out rows (the floor) are usually fewer than the synthetic ones
        int m = h == null ? n : Math.min(n, nh);
        double[] xq = spread(x, n, dim, m);
        double[] gq = spread(g, n, dim, m);
        double[] hq = h == null ? null : spread(h, nh, dim, m);
        r.putObject("rows").put("synthetic", n).put("training", nt).put("held_out", nh).put("compared", m);
        r.put("units", "standardised: each column minus its training mean, over its training standard deviation");

        ObjectNode q = r.putObject("quality");
        ObjectNode ksMean = q.putObject("ks_mean");
        ObjectNode corr = q.putObject("correlation_difference");
        ObjectNode sw = q.putObject("sliced_wasserstein");
        ArrayNode perColumn = q.putArray("columns");
        double[][] ks = new double[3][];
        String[] names = {"synthetic", "held_out", "gaussian"};
        double[][] sets = {xq, hq, gq};
        int[] sizes = {m, m, m};
        for (int k = 0; k < 3; k++) {
            if (sets[k] == null) {
                ksMean.putNull(names[k]);
                corr.putNull(names[k]);
                sw.putNull(names[k]);
                continue;
            }
            ks[k] = SampleStats.ksPerColumn(sets[k], sizes[k], t, nt, dim);
            ksMean.put(names[k], Arrays.stream(ks[k]).average().orElse(Double.NaN));
            putNumber(corr, names[k], SampleStats.correlationDifference(sets[k], sizes[k], t, nt, dim));
            sw.put(names[k], SampleStats.slicedWasserstein(sets[k], sizes[k], t, nt, dim, SEED));
        }
        for (int j = 0; j < dim; j++) {
            ObjectNode c = perColumn.addObject().put("name", columns.get(j));
            ObjectNode cks = c.putObject("ks");
            for (int k = 0; k < 3; k++) {
                if (ks[k] == null) {
                    cks.putNull(names[k]);
                } else {
                    cks.put(names[k], ks[k][j]);
                }
            }
        }

        ObjectNode p = r.putObject("privacy");
        double[] dcrSyn = SampleStats.closestDistances(x, n, t, nt, dim);
        double[] dcrHeld = h == null ? null : SampleStats.closestDistances(h, nh, t, nt, dim);
        privacy(p, dcrSyn, dcrHeld);
        Set<RowKey> trainRows = new HashSet<>();
        for (int i = 0; i < train.count(); i++) {
            trainRows.add(RowKey.of(train.values(), i, dim));
        }
        ObjectNode copies = p.putObject("exact_copies");
        copies.put("synthetic", count(trainRows, toDouble(syn), n, dim));
        if (heldOut != null) {
            copies.put("held_out", count(trainRows, heldOut.values(), heldOut.count(), dim));
        } else {
            copies.putNull("held_out");
        }

        ArrayNode marginals = r.putArray("marginals");
        double[] rawTrain = spread(train.values(), train.count(), dim, REFERENCE);
        double[] rawSyn = toDouble(syn);
        for (int j = 0; j < Math.min(dim, MARGINAL_COLUMNS); j++) {
            double[] tc = columnOf(rawTrain, nt, dim, j);
            double lo = SampleStats.quantile(tc, 0.001);
            double hi = SampleStats.quantile(tc, 0.999);
            ObjectNode mg = marginals.addObject().put("name", columns.get(j));
            mg.set("edges", array(edges(lo, hi)));
            mg.set("training", array(histogram(tc, lo, hi)));
            mg.set("synthetic", array(histogram(columnOf(rawSyn, n, dim, j), lo, hi)));
        }
    }

    // ---- images ----

    private static void images(ObjectNode r, PfgmModel model, float[] syn, int n, ImageSet train, ImageSet heldOut,
                               ClassifierModel classifier) {
        int dim = model.dim();
        if (train.dim() != dim) {
            r.put("training_data", "unavailable: its images are " + train.channels() + "x" + train.height() + "x"
                    + train.width() + ", the model's " + model.image().shape());
            return;
        }
        // judged as delivered: on the 256 levels of the npy and PNG parts
        float[] x = new float[syn.length];
        for (int i = 0; i < syn.length; i++) {
            x[i] = ImageGrid.level(syn[i]) / 127.5f - 1f;
        }
        r.put("held_out", heldOut != null ? "images given with the report (" + heldOut.count() + ", " + heldOut.source()
                + ")"
                : "none: image models train on every image (give held-out images, ./pfgm synthesize --holdout)");
        double[] t = spread(toDouble(train.pixels()), train.count(), dim, IMAGE_REFERENCE);
        int nt = t.length / dim;
        double[] h = heldOut == null ? null : spread(toDouble(heldOut.pixels()), heldOut.count(), dim, 1000);
        int nh = h == null ? 0 : h.length / dim;
        r.putObject("rows").put("synthetic", n).put("training", nt).put("held_out", nh);
        r.put("units", "pixels in [-1, 1]; distances are Euclidean over all " + dim + " values");
        ObjectNode q = r.putObject("quality");
        if (classifier == null) {
            q.put("note", "image quality needs a classifier of these images (./pfgm classifier train, then"
                    + " ./pfgm synthesize --report --classifier C)");
        } else {
            GaussianBaseline gauss = GaussianBaseline.fit(train.pixels(), train.count(), dim);
            float[] gx = ImageSet.displayed(gauss.sample(n, SEED), train.eightBit());
            Evaluation.Scores sy = Evaluation.score(classifier, x, n, train);
            Evaluation.Scores gs = Evaluation.score(classifier, gx, n, train);
            Evaluation.Scores hs = heldOut == null ? null : Evaluation.score(classifier, heldOut.pixels(),
                    Math.min(heldOut.count(), 1000), train);
            q.set("frechet", triple(sy.frechet(), hs == null ? Double.NaN : hs.frechet(), gs.frechet()));
            q.set("confident", triple(sy.confident(), hs == null ? Double.NaN : hs.confident(), gs.confident()));
            q.set("class_tv", triple(sy.classTv(), hs == null ? Double.NaN : hs.classTv(), gs.classTv()));
        }
        ObjectNode p = r.putObject("privacy");
        double[] xd = toDouble(x);
        privacy(p, SampleStats.closestDistances(xd, n, t, nt, dim),
                h == null ? null : SampleStats.closestDistances(h, nh, t, nt, dim));
        Set<RowKey> trainImages = new HashSet<>();
        double[] all = toDouble(train.pixels());
        for (int i = 0; i < train.count(); i++) {
            trainImages.add(RowKey.of(all, i, dim));
        }
        ObjectNode copies = p.putObject("exact_copies");
        copies.put("synthetic", count(trainImages, xd, n, dim));
        if (heldOut != null) {
            copies.put("held_out", count(trainImages, toDouble(heldOut.pixels()), heldOut.count(), dim));
        } else {
            copies.putNull("held_out");
        }
    }

    // ---- shared ----

    /** DCR figures: medians, the held-out 5th percentile, the share of synthetic rows under it, a histogram. */
    private static void privacy(ObjectNode p, double[] syn, double[] held) {
        p.putObject("dcr_median").put("synthetic", SampleStats.quantile(syn, 0.5))
                .set("held_out", held == null ? F.nullNode() : F.numberNode(SampleStats.quantile(held, 0.5)));
        double hi = SampleStats.quantile(syn, 0.99);
        if (held != null) {
            double p5 = SampleStats.quantile(held, 0.05);
            hi = Math.max(hi, SampleStats.quantile(held, 0.99));
            p.put("held_out_dcr_p05", p5);
            p.putObject("share_below_held_out_p05").put("synthetic", share(syn, p5)).put("held_out", share(held, p5));
        } else {
            p.putNull("held_out_dcr_p05");
            p.putNull("share_below_held_out_p05");
        }
        ObjectNode hist = p.putObject("dcr_histogram");
        hist.set("edges", array(edges(0, hi)));
        hist.set("synthetic", array(histogram(syn, 0, hi)));
        hist.set("held_out", held == null ? F.nullNode() : array(histogram(held, 0, hi)));
    }

    private static double share(double[] v, double below) {
        long k = Arrays.stream(v).filter(d -> d < below).count();
        return (double) k / v.length;
    }

    /** A row's values as float32 bits: equal rows (as written) have equal keys. */
    private record RowKey(int[] bits) {
        static RowKey of(double[] v, int row, int dim) {
            int[] b = new int[dim];
            for (int j = 0; j < dim; j++) {
                b[j] = Float.floatToIntBits((float) v[row * dim + j]);
            }
            return new RowKey(b);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RowKey k && Arrays.equals(bits, k.bits);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bits);
        }
    }

    private static long count(Set<RowKey> reference, double[] rows, int n, int dim) {
        long k = 0;
        for (int i = 0; i < n; i++) {
            k += reference.contains(RowKey.of(rows, i, dim)) ? 1 : 0;
        }
        return k;
    }

    /** Up to {@code max} rows spread evenly through [n, dim]. */
    static double[] spread(double[] rows, int n, int dim, int max) {
        int m = Math.min(n, max);
        double[] out = new double[m * dim];
        for (int i = 0; i < m; i++) {
            System.arraycopy(rows, (int) ((long) i * n / m) * dim, out, i * dim, dim);
        }
        return out;
    }

    private static double[] standardised(PfgmModel model, double[] rows) {
        double[] x = rows.clone();
        model.standardizer().forward(x);
        return x;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double[] columnOf(double[] rows, int n, int dim, int j) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = rows[i * dim + j];
        }
        return c;
    }

    private static double[] edges(double lo, double hi) {
        double top = hi > lo ? hi : lo + 1;
        double[] e = new double[BINS + 1];
        for (int k = 0; k <= BINS; k++) {
            e[k] = lo + (top - lo) * k / BINS;
        }
        return e;
    }

    /** Shares of {@code v} per bin of [lo, hi] (values outside count in the end bins). */
    static double[] histogram(double[] v, double lo, double hi) {
        double top = hi > lo ? hi : lo + 1;
        double[] h = new double[BINS];
        for (double x : v) {
            int b = (int) Math.floor((x - lo) / (top - lo) * BINS);
            h[Math.max(0, Math.min(BINS - 1, b))] += 1.0 / v.length;
        }
        return h;
    }

    private static ArrayNode array(double[] v) {
        ArrayNode a = F.arrayNode();
        for (double x : v) {
            a.add(Math.round(x * 1e6) / 1e6);
        }
        return a;
    }

    private static ObjectNode triple(double syn, double held, double gauss) {
        ObjectNode o = F.objectNode();
        putNumber(o, "synthetic", syn);
        putNumber(o, "held_out", held);
        putNumber(o, "gaussian", gauss);
        return o;
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }
}
