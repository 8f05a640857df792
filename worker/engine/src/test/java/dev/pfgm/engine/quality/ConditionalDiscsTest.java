package dev.pfgm.engine.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pfgm.engine.eval.Evaluation;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.model.TrainSettings;
import dev.pfgm.engine.sample.Guidance;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.Sampler;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.engine.train.ImageTrainer;
import dev.pfgm.engine.train.TrainListener;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.data.ProceduralImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link DiscFactorsTest}'s discs, labelled by size, for a class-conditional model. */
@Tag("slow")
class ConditionalDiscsTest {
    private static final int SIZE = DiscFactorsTest.SIZE;

    /**
     * Class-conditional PFGM++ on discs labelled small (r < 3) or large: samples asked for a class
     * must have its size, and guidance 0 must give back the unconditional mix of both.
     */
    @Test
    void conditionalSamplesHaveTheirClass() {
        ImageSet data = DiscFactorsTest.bySize(ProceduralImages.discs(4000, SIZE, 2.0, 4.0, 1));
        int dim = SIZE * SIZE;
        TrainSettings s = DiscFactorsTest.settings(128).with(new ObjectMapper().createObjectNode().put("lr", 1e-3)
                .put("steps", 1000), "test");
        PfgmModel model = ImageTrainer.train(ImageTrainer.prepare(data, s, null, null, true, 0), TrainListener.NONE::onStep);
        assertEquals(2, model.image().classes());
        SolverSpec edm = new SolverSpec("edm", SolverSpec.DEFAULT_TOLERANCE, SolverSpec.DEFAULT_TOLERANCE, 18);
        int n = 64;
        StringBuilder report = new StringBuilder();
        double[][] largeShare = new double[3][];
        double[] scales = {0, 1, 3};
        for (int g = 0; g < scales.length; g++) {
            largeShare[g] = new double[2];
            for (int c = 0; c < 2; c++) {
                Sampler.Result r = new Sampler(model, new Guidance(c, scales[g])).sample(n, 17, edm, Progress.NONE);
                int large = 0;
                for (int i = 0; i < n; i++) {
                    large += ProceduralImages.measure(r.samples(), i * dim, SIZE).r() >= 3 ? 1 : 0;
                }
                largeShare[g][c] = large / (double) n;
            }
            report.append(String.format(" guidance %.0f: large discs %.2f asked small, %.2f asked large;", scales[g],
                    largeShare[g][0], largeShare[g][1]));
        }
        System.out.println("conditional discs:" + report);
        // measured: guidance 0: 0.73 large whichever class; 1: 0.19 asked small, 0.88 asked large; 3: 0.00, 1.00.
        // w = 0 ignores the label (same seeds, same images); its no-label field saw only label_dropout = 10%
        // of the rows, so it keeps both sizes without their 50/50 split
        assertEquals(largeShare[0][0], largeShare[0][1], 1e-9, report.toString());
        assertTrue(largeShare[0][0] > 0.2 && largeShare[0][0] < 0.8, report.toString());
        // w = 1: mostly the asked size (radii near 3 are where the classes meet); w = 3: nearly always
        assertTrue(largeShare[1][0] <= 0.25 && largeShare[1][1] >= 0.75, report.toString());
        assertTrue(largeShare[2][0] <= 0.05 && largeShare[2][1] >= 0.95, report.toString());

        // eval's on-class share: the size classifier must give most guided samples the class they asked for
        ImageSet test = DiscFactorsTest.bySize(ProceduralImages.discs(256, SIZE, 2.0, 4.0, 99));
        Evaluation.Result e = Evaluation.run(model, new Guidance(Guidance.DRAWN, 3), test, data, DiscFactorsTest.sizeClassifier(), 128,
                0, 13, edm, Progress.NONE);
        System.out.printf("conditional discs, eval at guidance 3: on-class %.3f (small %.3f, large %.3f)%n",
                e.onClass(), e.onClassByClass()[0], e.onClassByClass()[1]);
        assertTrue(e.onClass() >= 0.9 && e.onClassByClass()[0] >= 0.85 && e.onClassByClass()[1] >= 0.85,
                "on-class " + e.onClass() + " " + java.util.Arrays.toString(e.onClassByClass()));
    }
}
