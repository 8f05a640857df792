package dev.pfgm.engine.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pfgm.engine.random.SeedPlan;
import org.junit.jupiter.api.Test;

/** The probes held as bits read back as the +-1 values their streams drew, row by row and probe by probe. */
class ProbeSignsTest {
    @Test
    void probesReadBackAsDrawnAndARowCopiesAnother() {
        int count = 3;
        int rows = 4;
        int dim = 37; // rows and probes straddle the 64-bit words
        ProbeSigns signs = new ProbeSigns(count, rows, dim);
        double[][][] want = new double[count][rows][dim];
        for (int r = 0; r < 3; r++) {
            signs.draw(r, SeedPlan.forItem(7, r));
            SeedPlan same = SeedPlan.forItem(7, r);
            for (int q = 0; q < count; q++) {
                for (int k = 0; k < dim; k++) {
                    want[q][r][k] = same.nextSign();
                }
            }
        }
        signs.copyRow(1, 3); // a padding row repeats a real one
        want[0][3] = want[0][1];
        want[1][3] = want[1][1];
        want[2][3] = want[2][1];

        // probes 1 and 2, block-major: [probe][row][value]
        double[] out = new double[2 * rows * dim];
        signs.expand(1, 2, out);
        for (int q = 1; q < count; q++) {
            for (int r = 0; r < rows; r++) {
                double[] got = new double[dim];
                System.arraycopy(out, ((q - 1) * rows + r) * dim, got, 0, dim);
                assertArrayEquals(want[q][r], got, "probe " + q + " row " + r);
            }
        }
    }

    @Test
    void sizesAreCheckedAtTheirEdges() {
        assertDoesNotThrow(() -> new ProbeSigns(1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ProbeSigns(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ProbeSigns(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ProbeSigns(1, 1, 0));
        // more bits than one long[] holds: refused before it is allocated
        assertThrows(IllegalArgumentException.class, () -> new ProbeSigns(1 << 20, 1 << 10, 1 << 10));
    }
}
