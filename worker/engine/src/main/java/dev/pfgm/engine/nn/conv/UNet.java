package dev.pfgm.engine.nn.conv;

import dev.pfgm.engine.field.Conditional;
import dev.pfgm.engine.field.NormalisedField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The network m(x, z) of PFGM for images: a small U-Net that predicts the charges' weighted mean,
 * with the same head as the vector network (so f_z < 0 always and dx/dz = (x - m) / z).
 *
 * <p>Shape ({@link UNetSpec}): a 3x3 input convolution to {@code base} channels; per resolution
 * level a {@link ResBlock} then 2x2 average pooling, the width doubling per level; a middle block;
 * on the way up nearest-neighbour upsampling, concatenation with the skip of the same level and a
 * block; group normalisation, SiLU and a 3x3 output convolution that starts near zero. The ln z
 * embedding (sin and cos at 2^k / 8, k < K, and ln z / 4) passes a two-layer SiLU MLP of width
 * 4 base, whose output shifts every block's channels. A class-conditional network appends a
 * one-hot of the row's label to that embedding's input (all zeros: no label, the unconditional
 * model that classifier-free guidance contrasts with).
 *
 * <p>Preconditioning after EDM, with z as the noise scale (the PFGM kernel moves each pixel by
 * about z) and the data's pixel standard deviation sigma_d: m = c_skip x + c_out F(c_in x, t),
 * c_in = 1 / sqrt(sigma_d^2 + z^2), c_skip = sigma_d^2 c_in^2, c_out = z sigma_d c_in.
 *
 * <p>Forward and backward are written by hand: convolutions are ND4J's (oneDNN) ops, everything
 * else Java loops over buffers kept per batch size. Inside, activations are channels-last
 * [n, h, w, c] ({@link NhwcKernels}: oneDNN is faster on it); inputs and outputs stay [n, c, h, w]. {@code UNetGraph} in the tests builds the same
 * network in SameDiff and checks outputs and gradients against it. Not thread-safe.
 */
public final class UNet extends FlatNetwork implements Conditional {
    private static final double BASE_FREQUENCY = 0.125;

    private final UNetSpec spec;
    private final double sigmaData;
    private final Dense embed1;
    private final Dense embed2;
    private final Conv convIn;
    private final List<ResBlock> down = new ArrayList<>();
    private final ResBlock mid;
    private final List<ResBlock> up = new ArrayList<>();
    private final Conv convOut;

    private int rows = -1;
    private float[] emb;
    private float[] e1;
    private float[] s1;
    private float[] a1;
    private float[] e2;
    private float[] s2;
    private float[] t;
    private float[] dt;
    private float[] dA1;
    private float[] dE;
    private float[] u;
    private float[] hIn;
    private float[][] downOut;
    private float[][] pooled;
    private float[] midOut;
    private float[][] cat;
    private float[][] upOut;
    private float[] gnOut;
    private float[] gnInv;
    private float[] gnSig;
    private float[] act;
    private float[] f;
    private float[] dF;
    private float[] dAct;
    private float[] dUp;
    private float[] dCat;
    private float[][] dSkip;
    private float[] dU;
    /** Channels-last copies of u, F, dL/dF and dL/du for images of several channels (one channel: the same). */
    private float[] uLast;
    private float[] fLast;
    private float[] dFLast;
    private float[] dULast;
    private double[] lastX = new double[0];
    private double[] lastS = new double[0];
    private int lastRows;
    /** The buffers hold the forward pass of the last chargeMean (so one probe needs no second forward). */
    private boolean forwardIsLast;
    /** Labels of the rows evaluated next (null: none); see {@link #condition}. */
    private int[] labels;

    public UNet(UNetSpec spec, double sigmaData) {
        super("the U-Net");
        this.spec = spec;
        this.sigmaData = sigmaData;
        int base = spec.base();
        int hidden = spec.hidden();
        embed1 = new Dense(spec.embedWidth(), hidden, layout, 1.0);
        embed2 = new Dense(hidden, hidden, layout, 1.0);
        convIn = new Conv(spec.channels(), base, 3, layout, 1.0, true);
        int c = base;
        for (int l = 0; l < spec.levels(); l++) {
            ResBlock b = new ResBlock(c, base << l, hidden, layout);
            down.add(b);
            c = b.out;
        }
        mid = new ResBlock(c, base << spec.levels(), hidden, layout);
        c = mid.out;
        for (int l = spec.levels() - 1; l >= 0; l--) {
            int skip = down.get(l).out;
            ResBlock b = new ResBlock(c + skip, skip, hidden, layout);
            up.add(b);
            c = b.out;
        }
        convOut = new Conv(c, spec.channels(), 3, layout, 0.1, true);
        allocate();
    }

    public UNetSpec spec() {
        return spec;
    }

    public double sigmaData() {
        return sigmaData;
    }

    @Override
    public int dim() {
        return spec.dim();
    }

    public int parameterCount() {
        return params.length;
    }

    /**
     * Multiply-adds of the convolutions in one image's forward pass, which is nearly all of the
     * network's arithmetic; a backward pass costs about twice as many (input and weight gradients).
     */
    public long convMultiplyAdds() {
        int h = spec.height();
        int w = spec.width();
        long m = convIn.multiplyAdds(h * w) + convOut.multiplyAdds(h * w);
        for (ResBlock b : down) {
            m += b.multiplyAdds(h * w);
            h /= 2;
            w /= 2;
        }
        m += mid.multiplyAdds(h * w);
        for (ResBlock b : up) {
            h *= 2;
            w *= 2;
            m += b.multiplyAdds(h * w);
        }
        return m;
    }

    /**
     * Loads the weights of the same network without class inputs, the class inputs' weights set to
     * zero: the result computes exactly what the unconditional network did, for any label, and
     * class-conditional training can start from it.
     */
    public void loadUnconditional(float[] weights) {
        // the embedding's first layer comes first in the layout, its weights row by row per input
        int noiseRows = spec.noiseEmbedWidth() * spec.hidden();
        int classRows = spec.classes() * spec.hidden();
        if (weights.length != params.length - classRows) {
            throw new IllegalArgumentException("the unconditional U-Net has " + (params.length - classRows)
                    + " weights; got " + weights.length);
        }
        System.arraycopy(weights, 0, params, 0, noiseRows);
        Arrays.fill(params, noiseRows, noiseRows + classRows, 0f);
        System.arraycopy(weights, noiseRows, params, noiseRows + classRows, weights.length - noiseRows);
        commit();
    }

    /**
     * The labels (0 .. classes - 1, or -1 for none) of the rows of the next evaluations; rows past
     * the array's end repeat it from the start, as probe batches repeat their rows. Null: no labels.
     */
    @Override
    public void condition(int[] labels) {
        if (labels != null && spec.classes() == 0) {
            throw new IllegalArgumentException("this U-Net takes no class labels");
        }
        if (labels != null) {
            for (int l : labels) {
                if (l < -1 || l >= spec.classes()) {
                    throw new IllegalArgumentException("label " + l + " is outside 0.." + (spec.classes() - 1));
                }
            }
        }
        this.labels = labels;
    }

    @Override
    public void commit() {
        convIn.upload(params);
        for (ResBlock b : down) {
            b.upload(params);
        }
        mid.upload(params);
        for (ResBlock b : up) {
            b.upload(params);
        }
        convOut.upload(params);
    }

    // ---- PFGM interface ----

    @Override
    public void chargeMean(double[] x, double[] s, int n, double[] m) {
        remember(x, s, n);
        forward(x, s, n);
        forwardIsLast = true;
        int dim = dim();
        for (int i = 0; i < n; i++) {
            double ci = cIn(s[i]);
            double cSkip = sigmaData * sigmaData * ci * ci;
            double cOut = s[i] * sigmaData * ci;
            for (int k = 0; k < dim; k++) {
                m[i * dim + k] = cSkip * x[i * dim + k] + cOut * f[i * dim + k];
            }
        }
    }

    /**
     * The PFGM loss (math.md section 5, mean over rows) at points (x, z) against targets
     * [rows, N + 1], and its weight gradient written into {@code grad}; returns the loss.
     */
    public double lossAndGradient(double[] x, double[] z, double[] target, int n, double[] m, double[] dm,
                                  double gamma, float[] grad) {
        chargeMean(x, z, n, m);
        int dim = dim();
        double loss = 0;
        for (int i = 0; i < n; i++) {
            loss += NormalisedField.lossGradient(x, m, i * dim, dim, z[i], gamma, target, i * (dim + 1),
                    1.0 / n, dm);
        }
        for (int i = 0; i < n; i++) {
            double cOut = z[i] * sigmaData * cIn(z[i]);
            for (int k = 0; k < dim; k++) {
                dF[i * dim + k] = (float) (cOut * dm[i * dim + k]);
            }
        }
        Arrays.fill(grad, 0f);
        backward(dF, grad);
        forwardIsLast = false;
        return loss / n;
    }

    /**
     * PFGM++'s loss (math.md section 11.3) at points x with noise levels sigma against their
     * clean images [rows, N]: EDM's weight lambda = 1 / c_out^2 times the squared error of m, here
     * averaged over pixels and rows, so it is the mean squared error of the raw output F against
     * its target. Returns the loss; the weight gradient goes into {@code grad}.
     */
    public double denoisingLossAndGradient(double[] x, double[] sigma, double[] clean, int n, double[] m,
                                           float[] grad) {
        chargeMean(x, sigma, n, m);
        int dim = dim();
        double loss = 0;
        double perValue = 1.0 / ((double) n * dim);
        for (int i = 0; i < n; i++) {
            double cOut = sigma[i] * sigmaData * cIn(sigma[i]);
            for (int k = 0; k < dim; k++) {
                double e = (m[i * dim + k] - clean[i * dim + k]) / cOut;
                loss += e * e;
                dF[i * dim + k] = (float) (2 * e * perValue);
            }
        }
        Arrays.fill(grad, 0f);
        backward(dF, grad);
        forwardIsLast = false;
        return loss * perValue;
    }

    /** Not offered: an exact trace costs N backward passes per row; likelihoods use probes. */
    @Override
    public void jacobianTrace(double[] trace) {
        throw new UnsupportedOperationException("the U-Net gives Hutchinson probe forms, not exact traces");
    }

    /**
     * e^T (dm/dx) e = c_skip |e|^2 + c_out c_in e . (e^T dF/du): one backward pass (a vector-Jacobian
     * product) per probe, u = c_in x being the network's input.
     */
    @Override
    public void probeForms(double[] probes, int count, double[] forms) {
        int dim = dim();
        int n = count * lastRows;
        double[] xs = new double[n * dim];
        double[] ss = new double[n];
        for (int b = 0; b < n; b++) {
            int i = b % lastRows;
            System.arraycopy(lastX, i * dim, xs, b * dim, dim);
            ss[b] = lastS[i];
        }
        int keepRows = lastRows;
        double[] keepX = lastX;
        double[] keepS = lastS;
        if (!(count == 1 && forwardIsLast && rows == n)) {
            forward(xs, ss, n);
        }
        forwardIsLast = false;
        for (int i = 0; i < n * dim; i++) {
            dF[i] = (float) probes[i];
        }
        backward(dF, null);
        for (int b = 0; b < n; b++) {
            double ci = cIn(ss[b]);
            double cSkip = sigmaData * sigmaData * ci * ci;
            double cOut = ss[b] * sigmaData * ci;
            double ee = 0;
            double ej = 0;
            for (int k = 0; k < dim; k++) {
                double ek = probes[b * dim + k];
                ee += ek * ek;
                ej += ek * dU[b * dim + k];
            }
            forms[b] = cSkip * ee + cOut * ci * ej;
        }
        lastRows = keepRows;
        lastX = keepX;
        lastS = keepS;
    }

    private double cIn(double s) {
        return 1 / Math.sqrt(sigmaData * sigmaData + s * s);
    }

    private void remember(double[] x, double[] s, int n) {
        int dim = dim();
        if (lastX.length != n * dim) {
            lastX = new double[n * dim];
            lastS = new double[n];
        }
        System.arraycopy(x, 0, lastX, 0, n * dim);
        System.arraycopy(s, 0, lastS, 0, n);
        lastRows = n;
    }

    // ---- the network ----

    /** F(c_in x, embed(ln s)) into {@link #f}. */
    void forward(double[] x, double[] s, int n) {
        ensure(n);
        int dim = dim();
        int ew = spec.embedWidth();
        int k = spec.frequencies();
        for (int i = 0; i < n; i++) {
            double ci = cIn(s[i]);
            for (int j = 0; j < dim; j++) {
                u[i * dim + j] = (float) (ci * x[i * dim + j]);
            }
            double logS = Math.log(s[i]);
            double a = BASE_FREQUENCY * logS;
            double sin = Math.sin(a);
            double cos = Math.cos(a);
            for (int q = 0; q < k; q++) {
                emb[i * ew + 2 * q] = (float) sin;
                emb[i * ew + 2 * q + 1] = (float) cos;
                double s2 = 2 * sin * cos;
                cos = cos * cos - sin * sin;
                sin = s2;
            }
            emb[i * ew + 2 * k] = (float) (logS / 4);
            if (spec.classes() > 0) {
                int at = i * ew + spec.noiseEmbedWidth();
                Arrays.fill(emb, at, at + spec.classes(), 0f);
                int label = labels == null ? -1 : labels[i % labels.length];
                if (label >= 0) {
                    emb[at + label] = 1f;
                }
            }
        }
        forwardFromInputs(n);
    }

    /** The network on {@link #u} and {@link #emb} as set (package-private for the gradient tests). */
    void forwardFromInputs(int n) {
        int hidden = spec.hidden();
        embed1.forward(params, emb, e1, n);
        Kernels.swish(e1, a1, s1, n * hidden);
        embed2.forward(params, a1, e2, n);
        Kernels.swish(e2, t, s2, n * hidden);

        int h = spec.height();
        int w = spec.width();
        int channels = spec.channels();
        if (channels > 1) {
            NhwcKernels.toChannelsLast(u, uLast, n, channels, h * w);
        }
        convIn.forward(channels > 1 ? uLast : u, hIn, n, h, w);
        float[] cur = hIn;
        for (int l = 0; l < down.size(); l++) {
            ResBlock b = down.get(l);
            b.forward(params, cur, t, downOut[l], n, h, w);
            NhwcKernels.avgPool(downOut[l], pooled[l], n, b.out, h, w);
            cur = pooled[l];
            h /= 2;
            w /= 2;
        }
        mid.forward(params, cur, t, midOut, n, h, w);
        cur = midOut;
        int c = mid.out;
        for (int i = 0; i < up.size(); i++) {
            int l = down.size() - 1 - i;
            int skipC = down.get(l).out;
            NhwcKernels.upConcat(cur, downOut[l], cat[i], n, c, skipC, h, w);
            h *= 2;
            w *= 2;
            ResBlock b = up.get(i);
            b.forward(params, cat[i], t, upOut[i], n, h, w);
            cur = upOut[i];
            c = b.out;
        }
        int area = h * w;
        NhwcKernels.groupNormSwish(cur, gnOut, gnInv, gnSig, act, n, c, area, ResBlock.GROUP);
        convOut.forward(act, channels > 1 ? fLast : f, n, h, w);
        if (channels > 1) {
            NhwcKernels.toChannelsFirst(fLast, f, n, channels, area);
        }
    }

    /**
     * Backward of the last forward from dL/dF: weight gradients added into grad, dL/du into
     * {@link #dU}; with grad null, dL/du alone (a probe's vector-Jacobian product needs no weight
     * gradients, and skipping them halves the convolutions' backward arithmetic).
     */
    void backward(float[] dOut, float[] grad) {
        int n = rows;
        int hidden = spec.hidden();
        int h = spec.height();
        int w = spec.width();
        int c = up.isEmpty() ? mid.out : up.get(up.size() - 1).out;
        int area = h * w;
        Arrays.fill(dt, 0f);
        int channels = spec.channels();
        if (channels > 1) {
            NhwcKernels.toChannelsLast(dOut, dFLast, n, channels, area);
        }
        if (grad == null) {
            convOut.inputGradient(channels > 1 ? dFLast : dOut, dAct);
        } else {
            convOut.backward(channels > 1 ? dFLast : dOut, dAct, grad);
        }
        Kernels.swishBackward(dAct, gnOut, gnSig, dAct, n * c * area);
        float[] dCur = dUp;
        NhwcKernels.groupNormBackward(dAct, gnOut, gnInv, dCur, n, c, area, ResBlock.GROUP);
        for (float[] d : dSkip) {
            Arrays.fill(d, 0f);
        }
        for (int i = up.size() - 1; i >= 0; i--) {
            int l = down.size() - 1 - i;
            ResBlock b = up.get(i);
            b.backward(params, dCur, dCat, dt, grad);
            h /= 2;
            w /= 2;
            int cx = b.in - down.get(l).out;
            float[] dx = new float[n * cx * h * w];
            NhwcKernels.upConcatBackward(dCat, dx, dSkip[l], n, cx, down.get(l).out, h, w);
            dCur = dx;
        }
        float[] dMidIn = new float[n * mid.in * h * w];
        mid.backward(params, dCur, dMidIn, dt, grad);
        dCur = dMidIn;
        for (int l = down.size() - 1; l >= 0; l--) {
            ResBlock b = down.get(l);
            // the block's output fed both the pooling and the skip
            NhwcKernels.avgPoolBackward(dCur, dSkip[l], n, b.out, 2 * h, 2 * w);
            h *= 2;
            w *= 2;
            float[] dx = new float[n * b.in * h * w];
            b.backward(params, dSkip[l], dx, dt, grad);
            dCur = dx;
        }
        if (grad == null) {
            convIn.inputGradient(dCur, channels > 1 ? dULast : dU);
        } else {
            convIn.backward(dCur, channels > 1 ? dULast : dU, grad);
        }
        if (channels > 1) {
            NhwcKernels.toChannelsFirst(dULast, dU, n, channels, spec.height() * spec.width());
        }
        if (grad == null) {
            return;
        }
        Kernels.swishBackward(dt, e2, s2, dt, n * hidden);
        embed2.backward(params, a1, dt, dA1, grad, n);
        Kernels.swishBackward(dA1, e1, s1, dA1, n * hidden);
        embed1.backward(params, emb, dA1, dE, grad, n);
    }

    private void ensure(int n) {
        if (n == rows) {
            return;
        }
        rows = n;
        int hidden = spec.hidden();
        int dim = dim();
        emb = new float[n * spec.embedWidth()];
        dE = new float[emb.length];
        e1 = new float[n * hidden];
        s1 = new float[n * hidden];
        a1 = new float[n * hidden];
        e2 = new float[n * hidden];
        s2 = new float[n * hidden];
        t = new float[n * hidden];
        dt = new float[n * hidden];
        dA1 = new float[n * hidden];
        u = new float[n * dim];
        dU = new float[n * dim];
        f = new float[n * dim];
        dF = new float[n * dim];
        if (spec.channels() > 1) {
            uLast = new float[n * dim];
            fLast = new float[n * dim];
            dFLast = new float[n * dim];
            dULast = new float[n * dim];
        }
        int h = spec.height();
        int w = spec.width();
        hIn = new float[n * spec.base() * h * w];
        int levels = down.size();
        downOut = new float[levels][];
        pooled = new float[levels][];
        dSkip = new float[levels][];
        for (int l = 0; l < levels; l++) {
            int c = down.get(l).out;
            downOut[l] = new float[n * c * h * w];
            dSkip[l] = new float[n * c * h * w];
            h /= 2;
            w /= 2;
            pooled[l] = new float[n * c * h * w];
        }
        midOut = new float[n * mid.out * h * w];
        cat = new float[levels][];
        upOut = new float[levels][];
        int maxCat = 0;
        for (int i = 0; i < levels; i++) {
            h *= 2;
            w *= 2;
            cat[i] = new float[n * up.get(i).in * h * w];
            upOut[i] = new float[n * up.get(i).out * h * w];
            maxCat = Math.max(maxCat, cat[i].length);
        }
        int c = levels == 0 ? mid.out : up.get(levels - 1).out;
        gnOut = new float[n * c * h * w];
        gnInv = new float[n * c / ResBlock.GROUP];
        gnSig = new float[gnOut.length];
        act = new float[gnOut.length];
        dAct = new float[gnOut.length];
        dUp = new float[gnOut.length];
        dCat = new float[maxCat];
    }

    // for the gradient tests
    float[] inputs() {
        return u;
    }

    float[] embedding() {
        return emb;
    }


    float[] output() {
        return f;
    }

    float[] inputGradient() {
        return dU;
    }

    void prepare(int n) {
        ensure(n);
    }
}
