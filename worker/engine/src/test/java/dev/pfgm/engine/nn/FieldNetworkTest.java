package dev.pfgm.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.engine.random.SeedPlan;
import org.junit.jupiter.api.Test;

/** The preconditioned network: its Jacobian trace and probe forms against finite differences. */
public class FieldNetworkTest {
    /** A small MLP network of {@code dim} columns with weights far from their initial ones (other packages' tests use it too). */
    public static FieldNetwork network(int dim) {
        return network(dim, 0, 0);
    }

    private static FieldNetwork network(int dim, int directions, int octaves) {
        FieldNetwork net = new FieldNetwork(dim, 2.0, 32, 2, 4, directions, octaves);
        net.mlp().initialise(SeedPlan.of(3));
        float[] p = net.mlp().parameters();
        SeedPlan r = SeedPlan.of(4);
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (0.2 * r.nextGaussian());
        }
        net.mlp().commit();
        return net;
    }

    /** Points inside and outside the data radius (2.0), at small and large z. */
    private static final double[] X = {0.3, -0.4, 0.1, 1.5, 0.7, -0.2, 3.0, -2.5, 1.0, -0.2, 0.1, 0.05};
    private static final double[] Z = {0.01, 0.5, 3.0, 20.0};

    private static double[][] numericJacobian(FieldNetwork net, int dim, int rows) {
        double h = 1e-3;
        double[][] jac = new double[rows][dim * dim];
        double[] mp = new double[rows * dim];
        double[] mm = new double[rows * dim];
        for (int l = 0; l < dim; l++) {
            double[] xp = X.clone();
            double[] xm = X.clone();
            for (int i = 0; i < rows; i++) {
                xp[i * dim + l] += h;
                xm[i * dim + l] -= h;
            }
            net.chargeMean(xp, Z, rows, mp);
            net.chargeMean(xm, Z, rows, mm);
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < dim; k++) {
                    jac[i][k * dim + l] = (mp[i * dim + k] - mm[i * dim + k]) / (2 * h);
                }
            }
        }
        return jac;
    }

    @Test
    void jacobianTraceMatchesFiniteDifferences() {
        checkTrace(network(3));
    }

    @Test
    void jacobianTraceMatchesFiniteDifferencesWithThePointEmbedding() {
        checkTrace(network(3, 5, 3));
    }

    private static void checkTrace(FieldNetwork net) {
        int dim = 3;
        int rows = 4;
        double[][] jac = numericJacobian(net, dim, rows);
        net.chargeMean(X, Z, rows, new double[rows * dim]);
        double[] trace = new double[rows];
        net.jacobianTrace(trace);
        for (int i = 0; i < rows; i++) {
            double fd = jac[i][0] + jac[i][4] + jac[i][8];
            assertEquals(fd, trace[i], 2e-3 * Math.max(1, Math.abs(fd)), "row " + i);
        }
    }

    /**
     * A wide table's exact trace runs a group of unit directions per pass (here 160 columns in
     * passes of 25): it must equal the sum of the N unit directions' forms taken in one call.
     */
    @Test
    void aWideTablesTraceInGroupsIsTheSumOfItsUnitForms() {
        int dim = 160;
        int rows = 4;
        assertTrue(FieldNetwork.PASS_VALUES / (rows * dim) < dim, "the trace takes several passes");
        FieldNetwork net = network(dim);
        double[] x = new double[rows * dim];
        SeedPlan r = SeedPlan.of(9);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        net.chargeMean(x, Z, rows, new double[rows * dim]);
        double[] trace = new double[rows];
        net.jacobianTrace(trace);
        double[] units = new double[dim * rows * dim];
        for (int k = 0; k < dim; k++) {
            for (int i = 0; i < rows; i++) {
                units[(k * rows + i) * dim + k] = 1;
            }
        }
        double[] forms = new double[dim * rows];
        net.probeForms(units, dim, forms);
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int k = 0; k < dim; k++) {
                sum += forms[k * rows + i];
            }
            assertEquals(sum, trace[i], 1e-9 * Math.max(1, Math.abs(sum)), "row " + i);
        }
    }

    @Test
    void probeFormsMatchFiniteDifferences() {
        int dim = 3;
        int rows = 4;
        FieldNetwork net = network(dim, 4, 2);
        double[][] jac = numericJacobian(net, dim, rows);
        double[] probes = new double[2 * rows * dim];
        SeedPlan r = SeedPlan.of(9);
        for (int i = 0; i < probes.length; i++) {
            probes[i] = r.nextGaussian();
        }
        net.chargeMean(X, Z, rows, new double[rows * dim]);
        double[] forms = new double[2 * rows];
        net.probeForms(probes, 2, forms);
        for (int b = 0; b < 2 * rows; b++) {
            int i = b % rows;
            double q = 0;
            for (int k = 0; k < dim; k++) {
                for (int l = 0; l < dim; l++) {
                    q += probes[b * dim + k] * jac[i][k * dim + l] * probes[b * dim + l];
                }
            }
            assertEquals(q, forms[b], 2e-3 * Math.max(1, Math.abs(q)), "probe block " + b);
        }
    }

    @Test
    void nearTheDataTheMeanIsThePointAndFarAwayItStaysBounded() {
        // the preconditioning: m = x + O(rho) near the data, m = F (bounded) far away
        int dim = 2;
        FieldNetwork net = network(dim);
        double[] x = {0.5, -0.3, 4000, 3000};
        double[] z = {1e-4, 1.0};
        double[] m = new double[4];
        net.chargeMean(x, z, 2, m);
        assertEquals(0.5, m[0], 1e-3);
        assertEquals(-0.3, m[1], 1e-3);
        assertTrue(Math.hypot(m[2], m[3]) < 100, "far-field mean " + m[2] + ", " + m[3]);
    }
}
