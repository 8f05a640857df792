package dev.pfgm.engine.eval;

import dev.pfgm.engine.data.ImageData;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.nn.conv.Classifier;
import dev.pfgm.engine.sample.Guidance;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageSet;
import java.util.Arrays;

/**
 * The image evaluation: the model's samples, a held-out real set (the floor) and a full-covariance
 * Gaussian fitted to the training images (a weak baseline), each scored against the training
 * images with a domain classifier: Fréchet distance of its 128 features, the share of images it
 * labels with confidence >= 0.8, and the total variation between the predicted-class histogram
 * and the training images' one; plus NLL in bits/dim on held-out images for the model and the
 * Gaussian (dequantised when the data are 8-bit). Generated images are clipped to [-1, 1] and, for
 * 8-bit data, rounded to its levels before they are judged, as FID pipelines judge saved images.
 */
public final class Evaluation {
    public static final double CONFIDENT = 0.8;
    /** Training images the reference statistics are taken from, at most. */
    public static final int REFERENCE = 10_000;

    /**
     * One column of the table; NaN where a figure does not apply or was not computed. Per predicted
     * class (empty without a classifier): the share of the column's images given that class, and the
     * share of those labelled with confidence >= 0.8 (NaN for a class no image was given).
     */
    public record Row(String name, double frechet, double confident, double classTv, double bitsPerDim,
                      double[] classShare, double[] classConfident) {
        Row(String name, double bitsPerDim) {
            this(name, Double.NaN, Double.NaN, Double.NaN, bitsPerDim, new double[0], new double[0]);
        }

        Row(String name, Judged j, Judged reference, double bitsPerDim) {
            this(name, j.stats.frechet(reference.stats), j.confident, j.tv(reference), bitsPerDim, j.histogram,
                    j.confidentByClass);
        }
    }

    /**
     * The table, with, for class-conditional samples judged by a classifier, the share it gives the
     * class each sample was asked for ({@code onClass}) and that share per asked class (NaN and
     * empty otherwise).
     */
    public record Result(Row model, Row real, Row gaussian, double sampleNfe, double nllNfe, int count,
                         int nllCount, int reference, double onClass, double[] onClassByClass) {
    }

    private Evaluation() {
    }

    public static Result run(PfgmModel model, ImageSet test, ImageSet train, ClassifierModel classifier, int count,
                             int nllCount, long seed, SolverSpec solver, Progress progress) {
        return run(model, null, test, train, classifier, count, nllCount, seed, solver, progress);
    }

    /**
     * With {@code guidance} (class-conditional models) the samples are guided, each with a class drawn
     * from the training labels' shares; the likelihood is the model's without a label.
     */
    public static Result run(PfgmModel model, Guidance guidance, ImageSet test, ImageSet train,
                             ClassifierModel classifier, int count, int nllCount, long seed, SolverSpec solver,
                             Progress progress) {
        if (!model.isImage()) {
            throw new InvalidInputException("--model: eval needs an image model");
        }
        int dim = model.dim();
        model.checkImages(test, "--data");
        model.checkImages(train, "--train");
        if (classifier != null) {
            classifier.checkTakes(model.image().channels(), model.image().height(), model.image().width(), "--classifier",
                    "the model's");
        }
        int n = Math.min(count, test.count());
        int nllN = Math.min(nllCount, test.count());
        // 1. samples (the slow part), 2. the Gaussian baseline, 3. likelihoods
        Sampler.Result samples = new Sampler(model, guidance).sample(count, seed, solver, f -> progress.update(0.6 * f));
        GaussianBaseline gauss = GaussianBaseline.fit(train.pixels(), train.count(), dim);
        // generated images are judged as they are shown and saved, on the data's pixel levels
        float[] modelImages = ImageSet.displayed(samples.samples(), test.eightBit());
        float[] gaussImages = ImageSet.displayed(gauss.sample(count, seed), test.eightBit());
        float[] real = Arrays.copyOf(test.pixels(), n * dim);

        double modelBits = Double.NaN;
        double gaussBits = Double.NaN;
        double nllNfe = 0;
        if (nllN > 0) {
            ImageSet head = new ImageSet(test.source(), Arrays.copyOf(test.pixels(), nllN * dim), nllN,
                    test.channels(), test.height(), test.width(), test.eightBit(), null, test.sha256());
            Dataset deq = ImageData.dequantised(head, seed);
            Likelihood.Result lr = new Likelihood(model).nll(deq, 1, seed, SolverSpec.DEFAULT_TOLERANCE,
                    SolverSpec.DEFAULT_TOLERANCE, f -> progress.update(0.6 + 0.35 * f));
            modelBits = ImageData.bitsPerDim(lr.mean(), dim, test.eightBit());
            nllNfe = lr.meanNfe();
            double[] g = gauss.nll(deq.values(), nllN);
            gaussBits = ImageData.bitsPerDim(Arrays.stream(g).average().orElse(Double.NaN), dim, test.eightBit());
        }

        Row m = new Row("model", modelBits);
        Row r = new Row("real", Double.NaN);
        Row gr = new Row("gaussian", gaussBits);
        int ref = Math.min(REFERENCE, train.count());
        double onClass = Double.NaN;
        double[] onClassByClass = new double[0];
        if (classifier != null) {
            Judged reference = judge(classifier, train.pixels(), ref);
            Judged js = judge(classifier, modelImages, count);
            Judged jr = judge(classifier, real, n);
            Judged jg = judge(classifier, gaussImages, count);
            m = new Row("model", js, reference, modelBits);
            r = new Row("real", jr, reference, Double.NaN);
            gr = new Row("gaussian", jg, reference, gaussBits);
            if (samples.labels() != null) {
                onClassByClass = new double[classifier.network().classes()];
                double[] asked = new double[onClassByClass.length];
                int hits = 0;
                for (int i = 0; i < count; i++) {
                    int want = samples.labels()[i];
                    boolean hit = js.predicted[i] == want;
                    hits += hit ? 1 : 0;
                    if (want < asked.length) {
                        asked[want]++;
                        onClassByClass[want] += hit ? 1 : 0;
                    }
                }
                onClass = (double) hits / count;
                for (int k = 0; k < asked.length; k++) {
                    onClassByClass[k] = asked[k] > 0 ? onClassByClass[k] / asked[k] : Double.NaN;
                }
            }
        }
        progress.update(1.0);
        return new Result(m, r, gr, samples.meanNfe(), nllNfe, count, nllN, ref, onClass, onClassByClass);
    }

    /** A set of images judged against the training images: what each column of the table reports. */
    public record Scores(double frechet, double confident, double classTv) {
    }

    /**
     * {@code n} images (as saved: clipped, on the data's levels) judged by {@code classifier} against
     * up to {@value #REFERENCE} training images: Fréchet distance, confident share, class-histogram TV.
     */
    public static Scores score(ClassifierModel classifier, float[] images, int n, ImageSet train) {
        Judged reference = judge(classifier, train.pixels(), Math.min(REFERENCE, train.count()));
        Judged j = judge(classifier, images, n);
        return new Scores(j.stats.frechet(reference.stats), j.confident, j.tv(reference));
    }

    private record Judged(FeatureStats stats, double confident, double[] histogram, double[] confidentByClass,
                          int[] predicted) {
        double tv(Judged other) {
            double s = 0;
            for (int k = 0; k < histogram.length; k++) {
                s += Math.abs(histogram[k] - other.histogram[k]);
            }
            return s / 2;
        }
    }

    private static Judged judge(ClassifierModel classifier, float[] images, int n) {
        int classes = classifier.network().classes();
        float[] probs = new float[n * classes];
        float[] feats = new float[n * Classifier.FEATURES];
        classifier.classify(images, n, probs, feats);
        double[] hist = new double[classes];
        double[] sure = new double[classes];
        int confident = 0;
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (probs[i * classes + k] > probs[i * classes + best]) {
                    best = k;
                }
            }
            predicted[i] = best;
            hist[best] += 1.0 / n;
            if (probs[i * classes + best] >= CONFIDENT) {
                confident++;
                sure[best] += 1.0 / n;
            }
        }
        for (int k = 0; k < classes; k++) {
            sure[k] = hist[k] > 0 ? sure[k] / hist[k] : Double.NaN;
        }
        return new Judged(FeatureStats.of(feats, n, Classifier.FEATURES), (double) confident / n, hist, sure,
                predicted);
    }
}
