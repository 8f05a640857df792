package dev.pfgm.engine.nn.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.random.SeedPlan;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The classifier's hand-written backward against central differences of its loss. */
class ClassifierTest {
    @Test
    void gradientMatchesCentralDifferences() {
        // two channels and a non-square image, so that a mixed-up layout or side shows
        int channels = 2;
        int height = 12;
        int width = 8;
        int n = 3;
        Classifier net = new Classifier(channels, height, width, 3);
        net.initialise(SeedPlan.of(5));
        Random r = new Random(7);
        float[] images = new float[n * channels * height * width];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) (r.nextGaussian() * 0.8);
        }
        int[] labels = {0, 2, 1};
        float[] params = net.parameters();
        float[] grad = new float[params.length];
        net.lossAndGradient(images, labels, 0, n, n, grad);
        float[] analytic = grad.clone();
        int checked = 0;
        double worst = 0;
        for (int t = 0; t < 60; t++) {
            // the largest gradients of 60 random draws carry the check; tiny ones drown in float noise
            int j = r.nextInt(params.length);
            if (Math.abs(analytic[j]) < 1e-3) {
                continue;
            }
            float keep = params[j];
            double eps = 1e-2 * Math.max(1, Math.abs(keep));
            params[j] = (float) (keep + eps);
            net.commit();
            double up = net.lossAndGradient(images, labels, 0, n, n, grad)[0] / n;
            params[j] = (float) (keep - eps);
            net.commit();
            double down = net.lossAndGradient(images, labels, 0, n, n, grad)[0] / n;
            params[j] = keep;
            net.commit();
            double numeric = (up - down) / (2 * eps);
            double rel = Math.abs(numeric - analytic[j]) / Math.max(Math.abs(numeric), Math.abs(analytic[j]));
            worst = Math.max(worst, rel);
            assertEquals(numeric, analytic[j], 0.01 * Math.abs(numeric) + 1e-5, "weight " + j);
            checked++;
        }
        assertTrue(checked >= 20, "only " + checked + " weights had a gradient to check");
        System.out.println("classifier gradient: " + checked + " weights, worst relative difference " + worst);
    }
}
