package dev.pfgm.launcher.cli.sampling;

import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.engine.eval.Evaluation;
import dev.pfgm.engine.eval.FeatureStats;
import dev.pfgm.shared.data.ImageSet;
import java.util.Arrays;
import java.util.List;

/**
 * Image quality as ./pfgm eval measures it: the Fréchet distance between the classifier features of
 * the samples (clipped and, for 8-bit data, rounded to its levels, as saved) and those of up to
 * {@value Evaluation#REFERENCE} training images. The floor is the same distance for held-out real
 * images of the same count (a perfect model's score: the estimate's own bias at that count).
 */
record ImageQuality(ClassifierModel classifier, FeatureStats reference, List<ImageSet> held, boolean eightBit)
        implements SamplingStudy.Quality {

    static ImageQuality of(ClassifierModel classifier, ImageSet train, List<ImageSet> held) {
        int n = Math.min(Evaluation.REFERENCE, train.count());
        FeatureStats ref = classifier.featureStats(Arrays.copyOf(train.pixels(), n * train.dim()), n);
        return new ImageQuality(classifier, ref, held, train.eightBit());
    }

    @Override
    public double of(float[] samples, int n) {
        for (float v : samples) {
            if (!Float.isFinite(v)) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return classifier.featureStats(ImageSet.displayed(samples, eightBit), n).frechet(reference);
    }

    @Override
    public double floor(int seed) {
        ImageSet h = held.get(seed);
        return classifier.featureStats(h.pixels(), h.count()).frechet(reference);
    }

    @Override
    public String axis() {
        return "Frechet distance in classifier features";
    }

    @Override
    public String symbol() {
        return "FD";
    }

    @Override
    public String description() {
        return "Fréchet distance in classifier features to the training images, for held-out images of "
                + held.get(0).count();
    }
}
