package dev.pfgm.engine.nn.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.random.SeedPlan;
import org.junit.jupiter.api.Test;

class UNetTest {
    private static final UNetSpec SPEC = new UNetSpec(1, 16, 12, 8, 2, 3);

    /** The hand-written forward and backward equal SameDiff's automatic differentiation of the same graph. */
    @Test
    void matchesTheSameDiffGraph() {
        matchesTheSameDiffGraph(SPEC);
    }

    /** Several channels: the network works channels-last inside, its inputs and outputs are [n, c, h, w]. */
    @Test
    void matchesTheSameDiffGraphWithThreeChannels() {
        matchesTheSameDiffGraph(new UNetSpec(3, 16, 12, 8, 2, 3));
    }

    private static void matchesTheSameDiffGraph(UNetSpec spec) {
        UNet net = new UNet(spec, 0.5);
        net.initialise(SeedPlan.of(7));
        // larger second-conv weights than the initial 0.1 gain, so every path carries signal
        float[] w = net.parameters();
        SeedPlan r = SeedPlan.of(8);
        for (int i = 0; i < w.length; i++) {
            w[i] += (float) (0.05 * r.nextGaussian());
        }
        net.commit();
        int n = 3;
        net.prepare(n);
        float[] u = net.inputs();
        float[] emb = net.embedding();
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) r.nextGaussian();
        }
        float[] probe = new float[u.length];
        for (int i = 0; i < probe.length; i++) {
            probe[i] = (float) r.nextGaussian();
        }
        net.forwardFromInputs(n);
        float[] f = net.output().clone();
        float[] grad = new float[w.length];
        net.backward(probe, grad);
        float[] du = net.inputGradient().clone();
        // the input gradient alone (transposed convolutions, no weight gradients) is the same
        net.backward(probe, null);
        assertClose(du, net.inputGradient().clone(), 1e-4, "input gradient without weight gradients");

        UNetGraph graph = new UNetGraph(spec);
        graph.load(w);
        float[] fRef = graph.output(u.clone(), emb.clone(), n);
        float[][] gRef = graph.gradients(u.clone(), emb.clone(), probe, n);

        assertClose(fRef, f, 1e-3, "output F");
        assertClose(gRef[1], du, 1e-3, "input gradient");
        assertClose(gRef[0], grad, 1e-3, "weight gradient");
    }

    /**
     * An unconditional network's weights loaded into a class-conditional one compute exactly the
     * same m for every label; once the class inputs have weights, labels change m and "no label"
     * still gives the unconditional m.
     */
    @Test
    void classInputsStartNeutralAndThenCondition() {
        UNet plain = new UNet(SPEC, 0.5);
        plain.initialise(SeedPlan.of(21));
        UNetSpec conditionalSpec = new UNetSpec(1, 16, 12, 8, 2, 3, 4);
        UNet conditional = new UNet(conditionalSpec, 0.5);
        conditional.loadUnconditional(plain.parameters());
        assertEquals(plain.parameterCount() + 4 * conditionalSpec.hidden(), conditional.parameterCount());
        int n = 4;
        int dim = SPEC.dim();
        SeedPlan r = SeedPlan.of(22);
        double[] x = new double[n * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        double[] s = {0.05, 0.7, 3.0, 20.0};
        double[] want = new double[n * dim];
        plain.chargeMean(x, s, n, want);
        double[] got = new double[n * dim];
        conditional.condition(new int[] {0, 1, 3, -1});
        conditional.chargeMean(x, s, n, got);
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, "zero class weights: labels change nothing");

        // give the class inputs weights (they are the rows after the noise embedding's in the first layer)
        float[] w = conditional.parameters();
        int from = conditionalSpec.noiseEmbedWidth() * conditionalSpec.hidden();
        for (int k = from; k < from + 4 * conditionalSpec.hidden(); k++) {
            w[k] = (float) r.nextGaussian();
        }
        conditional.commit();
        double[] labelled = new double[n * dim];
        conditional.condition(new int[] {2});
        conditional.chargeMean(x, s, n, labelled);
        double[] none = new double[n * dim];
        conditional.condition(null);
        conditional.chargeMean(x, s, n, none);
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, none, "no label: the unconditional network");
        double diff = 0;
        for (int k = 0; k < labelled.length; k++) {
            diff = Math.max(diff, Math.abs(labelled[k] - want[k]));
        }
        assertTrue(diff > 1e-3, "a label moves m once its weights are set: " + diff);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> conditional.condition(new int[] {4}));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> plain.condition(new int[] {0}));
    }

    /** The benchmark's arithmetic count, against the layer shapes of the default 28x28 net worked out by hand. */
    @Test
    void countsTheConvolutionMultiplyAdds() {
        long byHand = 9L * 784 * 32                                 // input conv 1 -> 32
                + 784L * 9 * 32 * 64                                // down 32 -> 32 at 28x28
                + 196L * 9 * 64 * 96 + 196L * 32 * 64               // down 32 -> 64 at 14x14, 1x1 skip
                + 49L * 9 * 128 * 192 + 49L * 64 * 128              // middle 64 -> 128 at 7x7, 1x1 skip
                + 196L * 9 * 64 * 256 + 196L * 192 * 64             // up 128 + 64 -> 64 at 14x14, 1x1 skip
                + 784L * 9 * 32 * 128 + 784L * 96 * 32              // up 64 + 32 -> 32 at 28x28, 1x1 skip
                + 9L * 784 * 32;                                    // output conv 32 -> 1
        assertEquals(byHand, new UNet(new UNetSpec(1, 28, 28, 32, 2, 8), 0.5).convMultiplyAdds());
    }

    /** Hutchinson forms e^T (dm/dx) e from the backward pass equal central differences of m along e. */
    @Test
    void probeFormsMatchFiniteDifferences() {
        UNet net = new UNet(SPEC, 0.6);
        net.initialise(SeedPlan.of(3));
        float[] w = net.parameters();
        SeedPlan r = SeedPlan.of(4);
        for (int i = 0; i < w.length; i++) {
            w[i] += (float) (0.05 * r.nextGaussian());
        }
        net.commit();
        int n = 2;
        int dim = SPEC.dim();
        double[] x = new double[n * dim];
        double[] e = new double[n * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.5 * r.nextGaussian();
            e[i] = r.nextSign();
        }
        double[] z = {0.3, 4.0};
        double[] m = new double[n * dim];
        net.chargeMean(x, z, n, m);
        double[] forms = new double[n];
        net.probeForms(e, 1, forms);
        double h = 1e-2;
        double[] plus = new double[n * dim];
        double[] minus = new double[n * dim];
        double[] xp = x.clone();
        double[] xm = x.clone();
        for (int i = 0; i < x.length; i++) {
            xp[i] += h * e[i];
            xm[i] -= h * e[i];
        }
        net.chargeMean(xp, z, n, plus);
        net.chargeMean(xm, z, n, minus);
        for (int b = 0; b < n; b++) {
            double fd = 0;
            for (int k = 0; k < dim; k++) {
                fd += e[b * dim + k] * (plus[b * dim + k] - minus[b * dim + k]) / (2 * h);
            }
            assertEquals(fd, forms[b], 2e-3 * Math.max(1, Math.abs(fd)), "row " + b);
        }
    }

    /**
     * PFGM++'s loss is the mean of ((m - y) / c_out)^2, and its weight gradient agrees with a
     * central difference of that loss along a random direction in weight space.
     */
    @Test
    void denoisingLossAndGradientMatchTheirDefinition() {
        double sigmaData = 0.5;
        UNet net = new UNet(SPEC, sigmaData);
        net.initialise(SeedPlan.of(11));
        float[] w = net.parameters();
        SeedPlan r = SeedPlan.of(12);
        for (int i = 0; i < w.length; i++) {
            w[i] += (float) (0.05 * r.nextGaussian());
        }
        net.commit();
        float[] base = w.clone();
        int n = 3;
        int dim = SPEC.dim();
        double[] y = new double[n * dim];
        double[] x = new double[n * dim];
        double[] sigma = {0.05, 0.7, 12};
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                y[i * dim + k] = Math.tanh(r.nextGaussian());
                x[i * dim + k] = y[i * dim + k] + sigma[i] * r.nextGaussian();
            }
        }
        double[] m = new double[n * dim];
        float[] grad = new float[w.length];
        double loss = net.denoisingLossAndGradient(x, sigma, y, n, m, grad);

        double[] m2 = new double[n * dim];
        net.chargeMean(x, sigma, n, m2);
        double byHand = 0;
        for (int i = 0; i < n; i++) {
            double cOut = sigma[i] * sigmaData / Math.sqrt(sigmaData * sigmaData + sigma[i] * sigma[i]);
            for (int k = 0; k < dim; k++) {
                double e = (m2[i * dim + k] - y[i * dim + k]) / cOut;
                byHand += e * e;
            }
        }
        byHand /= n * dim;
        assertEquals(byHand, loss, 1e-6 * byHand);

        float[] dir = new float[w.length];
        double along = 0;
        for (int i = 0; i < w.length; i++) {
            dir[i] = (float) r.nextGaussian();
            along += dir[i] * (double) grad[i];
        }
        double h = 1e-3;
        double[] sides = new double[2];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (base[i] + (s == 0 ? h : -h) * dir[i]);
            }
            net.commit();
            sides[s] = net.denoisingLossAndGradient(x, sigma, y, n, m, new float[w.length]);
        }
        double fd = (sides[0] - sides[1]) / (2 * h);
        assertEquals(fd, along, 0.02 * Math.abs(fd), "directional derivative");
    }

    private static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + " length");
        double num = 0;
        double den = 0;
        for (int i = 0; i < want.length; i++) {
            num += (want[i] - got[i]) * (double) (want[i] - got[i]);
            den += want[i] * (double) want[i];
        }
        double rel = Math.sqrt(num / den);
        assertTrue(rel < tol, what + ": relative error " + rel);
    }
}
