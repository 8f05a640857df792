package dev.pfgm.engine.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.nn.conv.UNet;
import dev.pfgm.engine.nn.conv.UNetSpec;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.shared.InvalidInputException;
import org.junit.jupiter.api.Test;

class GuidanceTest {
    /** Drawn classes follow the training shares (a class with no images is never drawn); fixed and cycled ones are kept. */
    @Test
    void classesFollowTheTrainingShares() {
        int[] counts = {1, 3, 0, 6};
        Guidance drawn = new Guidance(-1, 1);
        int[] seen = new int[4];
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            seen[drawn.labelFor(i, SeedPlan.forItem(5, i), counts)]++;
        }
        assertEquals(0.1, seen[0] / (double) n, 0.01);
        assertEquals(0.3, seen[1] / (double) n, 0.015);
        assertEquals(0, seen[2]);
        assertEquals(0.6, seen[3] / (double) n, 0.015);
        assertEquals(2, new Guidance(2, 1).labelFor(7, SeedPlan.forItem(5, 7), counts));
        assertEquals(3, new Guidance(Guidance.CYCLE, 1).labelFor(7, SeedPlan.forItem(5, 7), counts));
    }

    /** An 8x8 U-Net of 3 classes. */
    private static final UNetSpec SPEC = new UNetSpec(1, 8, 8, 8, 1, 3, 3);

    /** Its first layer's class rows start like any weight here, so labels matter. */
    private static UNet conditionalUNet() {
        UNet net = new UNet(SPEC, 0.5);
        net.initialise(SeedPlan.of(4));
        return net;
    }

    /** m = m_u + w (m_c - m_u): w = 1 is the conditional network, w = 0 the unconditional one. */
    @Test
    void guidanceMixesConditionalAndUnconditional() {
        UNetSpec spec = SPEC;
        UNet net = conditionalUNet();
        int n = 2;
        double[] x = new double[n * spec.dim()];
        SeedPlan r = SeedPlan.of(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        double[] s = {0.3, 4.0};
        int[] labels = {2, 0};
        double[] cond = new double[x.length];
        net.condition(labels);
        net.chargeMean(x, s, n, cond);
        double[] plain = new double[x.length];
        net.condition(null);
        net.chargeMean(x, s, n, plain);

        double[] got = new double[x.length];
        new Guidance(-1, 1).on(net, labels).chargeMean(x, s, n, got);
        assertArrayEquals(cond, got);
        new Guidance(-1, 0).on(net, labels).chargeMean(x, s, n, got);
        assertArrayEquals(plain, got, 1e-12);
        ChargeMean guided = new Guidance(-1, 2.5).on(net, labels);
        guided.chargeMean(x, s, n, got);
        double moved = 0;
        for (int k = 0; k < x.length; k++) {
            assertEquals(plain[k] + 2.5 * (cond[k] - plain[k]), got[k], 1e-12);
            moved = Math.max(moved, Math.abs(cond[k] - plain[k]));
        }
        assertTrue(moved > 1e-3, "labels change m: " + moved);

        // an interval of z: row 1 (z = 4) is guided, row 0 (z = 0.3) keeps the conditional m exactly
        int dim = spec.dim();
        new Guidance(-1, 2.5, 1, 10).on(net, labels).chargeMean(x, s, n, got);
        for (int k = 0; k < dim; k++) {
            assertEquals(cond[k], got[k]);
            assertEquals(plain[dim + k] + 2.5 * (cond[dim + k] - plain[dim + k]), got[dim + k], 1e-12);
        }
        new Guidance(-1, 0, 0.1, 1).on(net, labels).chargeMean(x, s, n, got);
        for (int k = 0; k < dim; k++) {
            assertEquals(plain[k], got[k], 1e-12);
            assertEquals(cond[dim + k], got[dim + k]);
        }
    }

    /**
     * A chunk's probes reach the guided field a group at a time: each group's forms must be those
     * of one call with every probe (the conditional pass of one group must not leak into the
     * unconditional pass of the next).
     */
    @Test
    void guidedProbeFormsInGroupsMatchOneCall() {
        UNet net = conditionalUNet();
        int n = 2;
        int dim = SPEC.dim();
        int count = 3;
        double[] x = new double[n * dim];
        double[] e = new double[count * n * dim];
        SeedPlan r = SeedPlan.of(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        for (int i = 0; i < e.length; i++) {
            e[i] = r.nextSign();
        }
        double[] s = {0.3, 4.0};
        int[] labels = {2, 0};
        ChargeMean guided = new Guidance(-1, 2.5).on(net, labels);
        double[] m = new double[x.length];
        guided.chargeMean(x, s, n, m);
        double[] once = new double[count * n];
        guided.probeForms(e, count, once);

        guided.chargeMean(x, s, n, m);
        double[] first = new double[n];
        guided.probeForms(java.util.Arrays.copyOfRange(e, 0, n * dim), 1, first);
        double[] rest = new double[(count - 1) * n];
        guided.probeForms(java.util.Arrays.copyOfRange(e, n * dim, e.length), count - 1, rest);
        for (int b = 0; b < count * n; b++) {
            assertEquals(once[b], b < n ? first[b] : rest[b - n], 1e-9 * Math.max(1, Math.abs(once[b])), "form " + b);
        }
    }

    @Test
    void refusesWhatCannotBeGuided() {
        InvalidInputException none = assertThrows(InvalidInputException.class, () -> new Guidance(-1, 1).check(0));
        assertTrue(none.getMessage().contains("not class-conditional"), none.getMessage());
        InvalidInputException big = assertThrows(InvalidInputException.class, () -> new Guidance(10, 1).check(10));
        assertTrue(big.getMessage().startsWith("class: 10"), big.getMessage());
        InvalidInputException scale = assertThrows(InvalidInputException.class, () -> new Guidance(0, -1));
        assertTrue(scale.getMessage().startsWith("guidance:"), scale.getMessage());
        InvalidInputException interval = assertThrows(InvalidInputException.class, () -> new Guidance(0, 2, 3, 1));
        assertTrue(interval.getMessage().startsWith("guidance_interval:"), interval.getMessage());
    }

    /** The stated ranges hold at their edges: scale in [0, 20], z in [LO, HI] both ends, classes 0..K-1. */
    @Test
    void rangesHoldAtTheirEdges() {
        assertEquals(0.0, new Guidance(0, 0).scale());
        assertEquals(20.0, new Guidance(0, 20).scale());
        assertThrows(InvalidInputException.class, () -> new Guidance(0, 20.001));
        assertThrows(InvalidInputException.class, () -> new Guidance(0, 2, -0.1, 1));
        assertThrows(InvalidInputException.class, () -> new Guidance(0, 2, 1, 1));
        Guidance window = new Guidance(0, 2, 0.5, 4);
        assertTrue(window.guides(0.5) && window.guides(4) && window.guides(2), "LO and HI are inside");
        assertTrue(!window.guides(0.4999) && !window.guides(4.0001), "just outside is not");
        assertTrue(new Guidance(0, 2).guides(0) && new Guidance(0, 2).guides(1e9), "every z by default");
        new Guidance(9, 1).check(10);
        new Guidance(Guidance.CYCLE, 1).check(10);
        new Guidance(Guidance.DRAWN, 1).check(10);
        assertThrows(InvalidInputException.class, () -> new Guidance(-3, 1).check(10));
    }
}
