package dev.pfgm.engine.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.nn.FieldNetwork;
import dev.pfgm.engine.nn.FieldNetworkTest;
import dev.pfgm.engine.random.SeedPlan;
import org.junit.jupiter.api.Test;

/** The divergence ODE's Hutchinson probes: drawn as bits, run through the network a group at a time. */
class DivergenceOdeTest {
    @Test
    void signsAreTheStreamsDrawsInOrderAndPaddingRepeatsARow() {
        ProbeSigns signs = new ProbeSigns(3, 4, 5);
        signs.draw(2, SeedPlan.forItem(7, 11));
        signs.copyRow(2, 0);
        double[] out = new double[3 * 4 * 5];
        signs.expand(0, 3, out);
        SeedPlan expected = SeedPlan.forItem(7, 11);
        for (int q = 0; q < 3; q++) {
            for (int k = 0; k < 5; k++) {
                double e = expected.nextSign();
                assertEquals(e, out[(q * 4 + 2) * 5 + k], "probe " + q + " value " + k);
                assertEquals(e, out[(q * 4) * 5 + k], "the copied row");
                assertEquals(-1.0, out[(q * 4 + 1) * 5 + k], "an undrawn row is all -1");
            }
        }
        double[] last = new double[4 * 5];
        signs.expand(2, 1, last);
        for (int i = 0; i < last.length; i++) {
            assertEquals(out[2 * 4 * 5 + i], last[i], "probe 2 alone at " + i);
        }
    }

    /** Probes one per network pass give the derivative that all probes in one pass give. */
    @Test
    void probesInGroupsGiveTheSameDerivative() {
        int dim = 3;
        int rows = 4;
        int probes = 5;
        FieldNetwork net = FieldNetworkTest.network(dim);
        SeedPlan r = SeedPlan.of(4);
        ProbeSigns signs = new ProbeSigns(probes, rows, dim);
        for (int i = 0; i < rows; i++) {
            signs.draw(i, SeedPlan.forItem(1, i));
        }
        int width = DivergenceOde.width(dim, probes);
        double[] y = new double[rows * width];
        double[] t = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < dim; k++) {
                y[i * width + k] = r.nextGaussian();
            }
            t[i] = Math.log(0.2 + i);
        }
        double[] whole = new double[y.length];
        new DivergenceOde(net, signs, true, Integer.MAX_VALUE).derivative(t, y, whole, rows);
        double[] grouped = new double[y.length];
        new DivergenceOde(net, signs, true, 2 * rows * dim).derivative(t, y, grouped, rows);
        assertArrayEquals(whole, grouped, 1e-12);
        double spread = 0;
        for (int i = 0; i < rows; i++) {
            spread = Math.max(spread, Math.abs(whole[i * width + dim] - whole[i * width + dim + 1]));
        }
        assertTrue(spread > 1e-6, "the probes differ, so their order is checked: " + spread);
    }

    /**
     * 1,024 probes of 64 rows of 256 values reach the network in passes of at most
     * {@link DivergenceOde#PASS_VALUES} values; m = x / 2 has divergence N / 2 for every probe.
     */
    @Test
    void manyProbesReachTheNetworkInBoundedPasses() {
        int dim = 256;
        int rows = 64;
        int probes = 1024;
        int[] largest = new int[1];
        int[] passes = new int[1];
        ChargeMean half = new ChargeMean() {
            @Override
            public int dim() {
                return dim;
            }

            @Override
            public void chargeMean(double[] x, double[] s, int n, double[] m) {
                for (int i = 0; i < n * dim; i++) {
                    m[i] = x[i] / 2;
                }
            }

            @Override
            public void jacobianTrace(double[] trace) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void probeForms(double[] e, int count, double[] forms) {
                largest[0] = Math.max(largest[0], count * rows * dim);
                passes[0]++;
                for (int b = 0; b < count * rows; b++) {
                    double ee = 0;
                    for (int k = 0; k < dim; k++) {
                        ee += e[b * dim + k] * e[b * dim + k];
                    }
                    forms[b] = ee / 2;
                }
            }
        };
        ProbeSigns signs = new ProbeSigns(probes, rows, dim);
        for (int i = 0; i < rows; i++) {
            signs.draw(i, SeedPlan.forItem(2, i));
        }
        int width = DivergenceOde.width(dim, probes);
        double[] y = new double[rows * width];
        double[] dy = new double[y.length];
        new DivergenceOde(half, signs).derivative(new double[rows], y, dy, rows);
        assertTrue(largest[0] <= DivergenceOde.PASS_VALUES, "a pass of " + largest[0] + " values");
        assertEquals(probes / (DivergenceOde.PASS_VALUES / (rows * dim)), passes[0]);
        for (int i = 0; i < rows; i++) {
            for (int q = 0; q < probes; q++) {
                assertEquals(dim / 2.0, dy[i * width + dim + q], "row " + i + " probe " + q);
            }
        }
    }
}
