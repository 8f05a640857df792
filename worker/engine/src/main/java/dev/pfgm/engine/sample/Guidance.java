package dev.pfgm.engine.sample;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.field.Conditional;
import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.shared.InvalidInputException;

/**
 * Class-conditional sampling with classifier-free guidance (Ho and Salimans, 2022): every sample
 * has a class ({@code label} >= 0 for all of them, {@link #DRAWN} to draw each one from the
 * training data's class shares, {@link #CYCLE} for class i mod classes: a grid as wide as the
 * class count then has a class per column), and the network's prediction is
 * m = m_u + w (m_c - m_u), m_c with the label and m_u without. w = 1 is the conditional model as
 * trained and w = 0 the unconditional one; other w trade diversity within a class for images
 * more typical of it, at two network passes per ODE evaluation.
 *
 * <p>w applies only while z lies in [{@code from}, {@code to}] (z is the noise level sigma for
 * PFGM++); elsewhere the flow is the conditional one (w = 1), one network pass. Kynkaanniemi et
 * al. (2024) found that guidance at high noise levels costs diversity (it pulls samples toward a
 * few typical layouts) and at low ones does little.
 */
public record Guidance(int label, double scale, double from, double to) {
    public static final int DRAWN = -1;
    public static final int CYCLE = -2;

    public Guidance {
        if (!(scale >= 0 && scale <= 20)) {
            throw new InvalidInputException("guidance: " + scale + " is outside [0, 20]");
        }
        if (!(from >= 0 && to > from)) {
            throw new InvalidInputException("guidance_interval: [" + from + ", " + to
                    + "] is not an interval of z >= 0 (LO < HI)");
        }
    }

    /** Guidance at every noise level. */
    public Guidance(int label, double scale) {
        this(label, scale, 0, Double.POSITIVE_INFINITY);
    }

    /**
     * How {@code model} samples: null for an unconditional model, which refuses a label, a scale or
     * an interval (each argument null when not given); else class {@code label} (default
     * {@link #DRAWN}) at scale {@code scale} (default 1) within {@code interval} (default: every z).
     */
    public static Guidance forModel(FlowModel model, Integer label, Double scale, double[] interval) {
        int classes = model.classes();
        if (classes == 0) {
            String given = label != null ? "class" : scale != null ? "guidance" : interval != null ? "guidance_interval"
                    : null;
            if (given != null) {
                throw new InvalidInputException(given + ": the model is not class-conditional (trained without labels)");
            }
            return null;
        }
        Guidance g = new Guidance(label == null ? DRAWN : label, scale == null ? 1 : scale,
                interval == null ? 0 : interval[0], interval == null ? Double.POSITIVE_INFINITY : interval[1]);
        g.check(classes);
        return g;
    }

    /** Whether the guidance scale applies at z = {@code s}. */
    boolean guides(double s) {
        return s >= from && s <= to;
    }

    /** Checks the class against a model with {@code classes} classes. */
    void check(int classes) {
        if (classes == 0) {
            throw new InvalidInputException("class: the model is not class-conditional (it was trained without labels)");
        }
        if (label < CYCLE || label >= classes) {
            throw new InvalidInputException("class: " + label + " is outside 0.." + (classes - 1));
        }
    }

    /** Sample i's class: the fixed label, i mod classes, or a draw from the class shares on the sample's own stream. */
    int labelFor(long i, SeedPlan stream, int[] classCounts) {
        if (label >= 0) {
            return label;
        }
        if (label == CYCLE) {
            return (int) (i % classCounts.length);
        }
        long total = 0;
        for (int c : classCounts) {
            total += c;
        }
        double u = stream.nextDouble() * total;
        for (int c = 0; c < classCounts.length; c++) {
            u -= classCounts[c];
            if (u < 0) {
                return c;
            }
        }
        return classCounts.length - 1;
    }

    /** The guided prediction for rows labelled {@code labels}, on {@code net}. */
    ChargeMean on(Conditional net, int[] labels) {
        return new Guided(net, labels, this);
    }

    /**
     * The guided prediction. Its Jacobian is the same mix of the two passes' Jacobians, so the
     * log density of a guided sample can be integrated too: the probe forms of the unconditional
     * pass come from the last forward, the conditional pass is run once more for its own.
     */
    private static final class Guided implements ChargeMean {
        private final Conditional net;
        private final int[] labels;
        private final Guidance g;
        private double[] plain = new double[0];
        private double[] lastX;
        private double[] lastS;
        private int lastRows;
        /** What the last chargeMean computed: only the conditional pass, only the unconditional one, or both. */
        private Passes passes;
        /**
         * With both passes, whether the network last ran the conditional one again (for its Jacobian):
         * the next probe group then needs the unconditional forward back.
         */
        private boolean rerun;

        private enum Passes { CONDITIONAL, UNCONDITIONAL, BOTH }

        Guided(Conditional net, int[] labels, Guidance g) {
            this.net = net;
            this.labels = labels;
            this.g = g;
        }

        @Override
        public int dim() {
            return net.dim();
        }

        @Override
        public void chargeMean(double[] x, double[] s, int rows, double[] m) {
            lastX = x;
            lastS = s;
            lastRows = rows;
            rerun = false;
            int guided = 0;
            for (int r = 0; r < rows; r++) {
                guided += g.guides(s[r]) ? 1 : 0;
            }
            // w = 1 (or no row in the interval) and w = 0 on every row take one network pass
            boolean plainOnly = g.scale == 0 && guided == rows;
            net.condition(plainOnly ? null : labels);
            net.chargeMean(x, s, rows, m);
            if (plainOnly || g.scale == 1 || guided == 0) {
                passes = plainOnly ? Passes.UNCONDITIONAL : Passes.CONDITIONAL;
                return;
            }
            passes = Passes.BOTH;
            if (plain.length != m.length) {
                plain = new double[m.length];
            }
            net.condition(null);
            net.chargeMean(x, s, rows, plain);
            int dim = net.dim();
            for (int r = 0; r < rows; r++) {
                if (g.guides(s[r])) {
                    for (int k = r * dim; k < (r + 1) * dim; k++) {
                        m[k] = plain[k] + g.scale * (m[k] - plain[k]);
                    }
                }
            }
        }

        @Override
        public void jacobianTrace(double[] trace) {
            restoreUnconditional();
            net.jacobianTrace(trace);
            if (passes != Passes.BOTH) {
                return;
            }
            double[] conditional = new double[trace.length];
            rerunConditional();
            net.jacobianTrace(conditional);
            for (int r = 0; r < trace.length; r++) {
                trace[r] = g.guides(lastS[r]) ? trace[r] + g.scale * (conditional[r] - trace[r]) : conditional[r];
            }
        }

        @Override
        public void probeForms(double[] probes, int count, double[] forms) {
            restoreUnconditional();
            net.probeForms(probes, count, forms);
            if (passes != Passes.BOTH) {
                return;
            }
            // forms holds the unconditional pass's (the last forward); now the conditional one's
            double[] conditional = new double[count * lastRows];
            rerunConditional();
            net.probeForms(probes, count, conditional);
            for (int b = 0; b < conditional.length; b++) {
                int r = b % lastRows;
                forms[b] = g.guides(lastS[r]) ? forms[b] + g.scale * (conditional[b] - forms[b]) : conditional[b];
            }
        }

        private void rerunConditional() {
            net.condition(labels);
            net.chargeMean(lastX, lastS, lastRows, new double[lastRows * net.dim()]);
            rerun = true;
        }

        /** The probes of one chunk come in groups: each group's unconditional forms need that forward. */
        private void restoreUnconditional() {
            if (rerun) {
                net.condition(null);
                net.chargeMean(lastX, lastS, lastRows, new double[lastRows * net.dim()]);
                rerun = false;
            }
        }
    }
}
