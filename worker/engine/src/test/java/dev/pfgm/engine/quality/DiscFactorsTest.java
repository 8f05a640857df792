package dev.pfgm.engine.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.eval.ClassifierModel;
import dev.pfgm.engine.eval.Evaluation;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.engine.train.ImageTrainer;
import dev.pfgm.engine.train.TrainListener;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.data.ProceduralImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The image model end to end on procedural discs whose generative factors are known: a small
 * U-Net trained for 1,500 steps, 128 samples by RK45, every sample measured back. Each image of
 * the data holds one disc, radius uniform in [2, 4] px, centre uniform in [4, 11] px on both axes.
 * The class-conditional case is {@link ConditionalDiscsTest} (a class of its own so that the two
 * test JVMs share the work).
 */
@Tag("slow")
class DiscFactorsTest {
    static final int SIZE = 16;

    @Test
    void samplesReproduceTheFactorDistributions() {
        ImageSet data = ProceduralImages.discs(4000, SIZE, 2.0, 4.0, 1);
        PfgmModel model = ImageTrainer.train(data, settings(1), null, TrainListener.NONE::onStep);
        assertFactors(model, "PFGM");
        judgedByEval(model, data, 0);
    }

    /** The same with PFGM++ (D = 128): its own kernel, loss and Student-t prior; also its likelihood. */
    @Test
    void pfgmPlusPlusSamplesReproduceTheFactorDistributions() {
        ImageSet data = ProceduralImages.discs(4000, SIZE, 2.0, 4.0, 1);
        TrainSettings s = settings(128).with(new ObjectMapper().createObjectNode().put("lr", 1e-3), "test");
        PfgmModel model = ImageTrainer.train(data, s, null, TrainListener.NONE::onStep);
        assertFactors(model, "PFGM++");
        judgedByEval(model, data, 32);
    }

    static TrainSettings settings(int augDim) {
        return TrainSettings.imageDefaults().with(new ObjectMapper().createObjectNode().put("steps", 1500)
                .put("unet_width", 16).put("checkpoint_every", 0).put("preview_every", 0).put("aug_dim", augDim),
                "test");
    }

    private static void assertFactors(PfgmModel model, String kind) {
        int n = 128;
        float[] px = new Sampler(model).sample(n, 11, SolverSpec.defaults(), Progress.NONE).samples();
        int dim = SIZE * SIZE;
        int oneDisc = 0;
        double[] radius = new double[n];
        double[] cx = new double[n];
        double[] cy = new double[n];
        int[] radiusBins = new int[4];
        for (int i = 0; i < n; i++) {
            ProceduralImages.Disc d = ProceduralImages.measure(px, i * dim, SIZE);
            radius[i] = d.r();
            cx[i] = d.cx();
            cy[i] = d.cy();
            radiusBins[Math.max(0, Math.min(3, (int) Math.floor((d.r() - 2.0) / 0.5)))]++;
            // "one disc": redrawing a single disc with the measured factors explains the image
            float[] redraw = new float[dim];
            ProceduralImages.draw(redraw, 0, SIZE, d.cx(), d.cy(), d.r());
            double err = 0;
            for (int k = 0; k < dim; k++) {
                err += Math.abs(redraw[k] - px[i * dim + k]);
            }
            if (err / dim < 0.1) {
                oneDisc++;
            }
        }
        int inRange = 0;
        for (double r : radius) {
            inRange += r >= 1.75 && r <= 4.25 ? 1 : 0;
        }
        double ksRadius = ksUniform(radius, 2.0, 4.0);
        double ksX = ksUniform(cx, 4.0, 11.0);
        double ksY = ksUniform(cy, 4.0, 11.0);
        String report = String.format("one disc %d/%d, radius in [1.75, 4.25] %d/%d, radius mean %.3f sd %.3f bins %s,"
                + " centre mean %.2f,%.2f sd %.2f,%.2f, KS radius %.3f x %.3f y %.3f", oneDisc, n, inRange, n,
                mean(radius), sd(radius), java.util.Arrays.toString(radiusBins), mean(cx), mean(cy), sd(cx), sd(cy),
                ksRadius, ksX, ksY);
        System.out.println("disc factors (" + kind + "): " + report);
        // truth: radius U[2, 4]; centres U[4, 11] on both axes. Kolmogorov-Smirnov distances of 128
        // samples from the true distributions: 0.15 is above the 5% critical value for a perfect sampler
        // (0.12) and far below what a model that ignored a factor would give (> 0.3 for a collapsed one)
        assertTrue(oneDisc >= 0.9 * n, report);
        assertTrue(inRange >= 0.85 * n, report);
        assertTrue(Math.abs(mean(radius) - 3.0) < 0.2, report);
        assertTrue(ksRadius < 0.15 && ksX < 0.15 && ksY < 0.15, report);
    }

    /**
     * ./pfgm eval's figures on the same model, with a classifier of small (r < 3) against large discs:
     * the model's Fréchet distance must be under a quarter of the Gaussian's (as the real discs' is) and
     * its class split near the data's, and the per-class rows must add up to the totals. Measured:
     * Fréchet model 1.32, real 1.45, Gaussian 9.04; confident 0.97, 0.95, 0.95; class TV 0.083,
     * 0.075, 0.15.
     */
    private static void judgedByEval(PfgmModel model, ImageSet train, int nllCount) {
        ClassifierModel classifier = sizeClassifier();
        ImageSet test = ProceduralImages.discs(256, SIZE, 2.0, 4.0, 99);
        Evaluation.Result r = Evaluation.run(model, test, train, classifier, 128, nllCount, 13, SolverSpec.defaults(),
                Progress.NONE);
        String report = String.format("classifier accuracy %.3f; Frechet model %.3f real %.3f gaussian %.3f;"
                        + " confident %.3f %.3f %.3f; class TV %.3f %.3f %.3f; bits/dim %.3f, gaussian %.3f",
                classifier.accuracy(), r.model().frechet(), r.real().frechet(), r.gaussian().frechet(),
                r.model().confident(), r.real().confident(), r.gaussian().confident(), r.model().classTv(),
                r.real().classTv(), r.gaussian().classTv(), r.model().bitsPerDim(), r.gaussian().bitsPerDim());
        System.out.println("disc eval: " + report);
        assertTrue(classifier.accuracy() >= 0.9, report);
        assertTrue(Double.isNaN(r.onClass()) && r.onClassByClass().length == 0, "unconditional samples ask no class");
        // the radius KS above bounds how far the small/large split can be from the data's 50/50
        assertTrue(r.model().classTv() < 0.2, report);
        assertTrue(r.model().frechet() < 0.25 * r.gaussian().frechet(), report);
        assertTrue(r.real().frechet() < 0.25 * r.gaussian().frechet() && r.real().classTv() < 0.15, report);
        // two classes are easy to be sure of (the Gaussian's blobs get ~0.95 too): clean discs must be
        assertTrue(r.model().confident() >= 0.8, report);
        for (Evaluation.Row row : new Evaluation.Row[] {r.model(), r.real(), r.gaussian()}) {
            double share = 0;
            double confident = 0;
            for (int k = 0; k < 2; k++) {
                share += row.classShare()[k];
                confident += row.classShare()[k] * (Double.isNaN(row.classConfident()[k]) ? 0 : row.classConfident()[k]);
            }
            assertEquals(1.0, share, 1e-9, row.name());
            assertEquals(row.confident(), confident, 1e-9, row.name());
        }
        if (nllCount == 0) {
            assertTrue(Double.isNaN(r.model().bitsPerDim()), "--nll-count 0 computes no likelihood");
        } else {
            // the flow's density (Student-t prior plus the divergence integral) must know discs better than
            // a Gaussian fitted to them does
            assertTrue(r.model().bitsPerDim() < r.gaussian().bitsPerDim() - 0.5, report);
        }
    }

    private static ClassifierModel sizeClassifier;

    /**
     * A classifier of small (r < 3) against large discs, 4 epochs on 3,200 discs; trained once per
     * JVM (it is seeded, and evaluation only reads it).
     */
    static synchronized ClassifierModel sizeClassifier() {
        if (sizeClassifier == null) {
            ImageSet pool = ProceduralImages.discs(3200, SIZE, 2.0, 4.0, 3);
            sizeClassifier = ClassifierModel.train(bySize(pool), 4, 5, (e, f, loss) -> { });
        }
        return sizeClassifier;
    }

    /** The discs labelled 0 (r < 3) or 1. */
    static ImageSet bySize(ImageSet pool) {
        int dim = SIZE * SIZE;
        int[] labels = new int[pool.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = ProceduralImages.measure(pool.pixels(), i * dim, SIZE).r() >= 3 ? 1 : 0;
        }
        return new ImageSet("discs by size", pool.pixels(), pool.count(), 1, SIZE, SIZE, false, labels,
                "discs-by-size");
    }

    /** Kolmogorov-Smirnov distance between the empirical distribution of v and U[lo, hi]. */
    static double ksUniform(double[] v, double lo, double hi) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        double d = 0;
        for (int i = 0; i < s.length; i++) {
            double f = Math.max(0, Math.min(1, (s[i] - lo) / (hi - lo)));
            d = Math.max(d, Math.max(Math.abs(f - (double) i / s.length), Math.abs(f - (i + 1.0) / s.length)));
        }
        return d;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
