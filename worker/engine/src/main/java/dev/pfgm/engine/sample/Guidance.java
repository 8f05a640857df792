package dev.pfgm.engine.sample;

import dev.pfgm.engine.field.ChargeMean;
import dev.pfgm.engine.nn.conv.UNet;
import dev.pfgm.shared.InvalidInputException;

/**
 * Class-conditional sampling with classifier-free guidance (Ho and Salimans, 2022): every sample
 * has a class ({@code label} >= 0 for all of them, {@link #DRAWN} to draw each one from the
 * training data's class shares, {@link #CYCLE} for class i mod classes: a grid as wide as the
 * class count then has a class per column), and the network's prediction is
 * m = m_u + w (m_c - m_u), m_c with the label and m_u without. w = 1 is the conditional model as
 * trained and w = 0 the unconditional one; other w trade diversity within a class for images
 * more typical of it, at two network passes per ODE evaluation.
 */
public record Guidance(int label, double scale) {
    public static final int DRAWN = -1;
    public static final int CYCLE = -2;

    public Guidance {
        if (!(scale >= 0 && scale <= 20)) {
            throw new InvalidInputException("guidance: " + scale + " is outside [0, 20]");
        }
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
    int labelFor(int i, SeedPlan stream, int[] classCounts) {
        if (label >= 0) {
            return label;
        }
        if (label == CYCLE) {
            return i % classCounts.length;
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
    ChargeMean on(UNet net, int[] labels) {
        return new Guided(net, labels, scale);
    }

    private static final class Guided implements ChargeMean {
        private final UNet net;
        private final int[] labels;
        private final double scale;
        private double[] plain = new double[0];

        Guided(UNet net, int[] labels, double scale) {
            this.net = net;
            this.labels = labels;
            this.scale = scale;
        }

        @Override
        public int dim() {
            return net.dim();
        }

        @Override
        public void chargeMean(double[] x, double[] s, int rows, double[] m) {
            net.condition(scale == 0 ? null : labels);
            net.chargeMean(x, s, rows, m);
            if (scale == 1 || scale == 0) {
                return;
            }
            if (plain.length != m.length) {
                plain = new double[m.length];
            }
            net.condition(null);
            net.chargeMean(x, s, rows, plain);
            for (int i = 0; i < rows * net.dim(); i++) {
                m[i] = plain[i] + scale * (m[i] - plain[i]);
            }
        }

        @Override
        public void jacobianTrace(double[] trace) {
            throw new UnsupportedOperationException("guided sampling gives no Jacobian");
        }

        @Override
        public void probeForms(double[] probes, int count, double[] forms) {
            throw new UnsupportedOperationException("guided sampling gives no Jacobian");
        }
    }
}
