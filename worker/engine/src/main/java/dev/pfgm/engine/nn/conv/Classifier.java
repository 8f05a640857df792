package dev.pfgm.engine.nn.conv;

import java.util.Arrays;

/**
 * A small convolutional image classifier, trained by the project itself so that evaluation has a
 * domain feature space (for Fréchet distances) and a judge of class and confidence. Three stages of
 * 3x3 convolution, group normalisation and SiLU (16, 32, 64 channels) with 2x2 average pooling
 * after the first two (while the sides stay even), global average pooling, a 128-unit SiLU layer
 * (the features) and a linear layer to class logits.
 */
public final class Classifier extends FlatNetwork {
    public static final int FEATURES = 128;
    private static final int[] WIDTHS = {16, 32, 64};

    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final int pools;
    private final Conv[] convs = new Conv[WIDTHS.length];
    private final Dense hidden;
    private final Dense head;

    private int rows = -1;
    private float[][] convOut;
    private float[][] normed;
    private float[][] inv;
    private float[][] sig;
    private float[][] act;
    private float[][] pooled;
    private float[] gap;
    private float[] pre;
    private float[] sigH;
    private float[] feat;
    private float[] logits;
    private float[] dA;
    private float[] dB;
    private float[] dGap;
    private float[] dFeat;
    private float[] dLogits;
    private float[] input;

    public Classifier(int channels, int height, int width, int classes) {
        super("the classifier");
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        int p = 0;
        int h = height;
        int w = width;
        while (p < 2 && h % 2 == 0 && w % 2 == 0 && h > 4 && w > 4) {
            h /= 2;
            w /= 2;
            p++;
        }
        this.pools = p;
        int c = channels;
        for (int i = 0; i < WIDTHS.length; i++) {
            convs[i] = new Conv(c, WIDTHS[i], 3, layout, 1.0);
            c = WIDTHS[i];
        }
        hidden = new Dense(c, FEATURES, layout, 1.0);
        head = new Dense(FEATURES, classes, layout, 0.5);
        allocate();
    }

    public int classes() {
        return classes;
    }

    public int[] shape() {
        return new int[] {channels, height, width};
    }

    @Override
    public void commit() {
        for (Conv c : convs) {
            c.upload(params);
        }
    }

    /** Class probabilities [n, classes] and features [n, 128] of {@code n} images ([-1, 1], NCHW). */
    public void predict(float[] images, int offset, int n, float[] probs, float[] features) {
        forward(images, offset, n);
        softmax(n, probs);
        if (features != null) {
            System.arraycopy(feat, 0, features, 0, n * FEATURES);
        }
    }

    /**
     * Softmax cross-entropy on {@code n} labelled images (from {@code offset} images into
     * {@code images} and {@code labels}) as part of a batch of {@code total}: writes the gradient of
     * the batch mean's share of these rows into {@code grad} and returns their summed loss and the
     * number classified correctly (before any update).
     */
    public double[] lossAndGradient(float[] images, int[] labels, int offset, int n, int total, float[] grad) {
        forward(images, offset * channels * height * width, n);
        float[] probs = new float[n * classes];
        softmax(n, probs);
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int label = labels[offset + i];
            int best = 0;
            for (int k = 0; k < classes; k++) {
                dLogits[i * classes + k] = probs[i * classes + k] / total;
                if (probs[i * classes + k] > probs[i * classes + best]) {
                    best = k;
                }
            }
            correct += best == label ? 1 : 0;
            dLogits[i * classes + label] -= 1f / total;
            loss -= Math.log(Math.max(1e-12, probs[i * classes + label]));
        }
        Arrays.fill(grad, 0f);
        backward(n, grad);
        return new double[] {loss, correct};
    }

    private void softmax(int n, float[] probs) {
        for (int i = 0; i < n; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[i * classes + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                double e = Math.exp(logits[i * classes + k] - max);
                probs[i * classes + k] = (float) e;
                sum += e;
            }
            for (int k = 0; k < classes; k++) {
                probs[i * classes + k] /= (float) sum;
            }
        }
    }

    private void forward(float[] images, int offset, int n) {
        ensure(n);
        System.arraycopy(images, offset, input, 0, n * channels * height * width);
        float[] cur = input;
        int h = height;
        int w = width;
        for (int i = 0; i < convs.length; i++) {
            int c = WIDTHS[i];
            int area = h * w;
            convs[i].forward(cur, convOut[i], n, h, w);
            Kernels.groupNormSwish(convOut[i], normed[i], inv[i], sig[i], act[i], n, c, area, ResBlock.GROUP);
            cur = act[i];
            if (i < pools) {
                Kernels.avgPool(act[i], pooled[i], n * c, h, w);
                cur = pooled[i];
                h /= 2;
                w /= 2;
            }
        }
        int c = WIDTHS[convs.length - 1];
        int area = h * w;
        for (int bc = 0; bc < n * c; bc++) {
            float s = 0;
            for (int k = 0; k < area; k++) {
                s += cur[bc * area + k];
            }
            gap[bc] = s / area;
        }
        hidden.forward(params, gap, pre, n);
        Kernels.swish(pre, feat, sigH, n * FEATURES);
        head.forward(params, feat, logits, n);
    }

    private void backward(int n, float[] grad) {
        head.backward(params, feat, dLogits, dFeat, grad, n);
        Kernels.swishBackward(dFeat, pre, sigH, dFeat, n * FEATURES);
        hidden.backward(params, gap, dFeat, dGap, grad, n);
        int h = height >> pools;
        int w = width >> pools;
        int last = convs.length - 1;
        int c = WIDTHS[last];
        int area = h * w;
        float[] dCur = dA;
        for (int bc = 0; bc < n * c; bc++) {
            float g = dGap[bc] / area;
            for (int k = 0; k < area; k++) {
                dCur[bc * area + k] = g;
            }
        }
        for (int i = last; i >= 0; i--) {
            c = WIDTHS[i];
            if (i < pools) {
                float[] up = dCur == dA ? dB : dA;
                Arrays.fill(up, 0, n * c * h * w * 4, 0f);
                Kernels.avgPoolBackward(dCur, up, n * c, 2 * h, 2 * w);
                h *= 2;
                w *= 2;
                dCur = up;
            }
            area = h * w;
            Kernels.swishBackward(dCur, normed[i], sig[i], dCur, n * c * area);
            float[] other = dCur == dA ? dB : dA;
            Kernels.groupNormBackward(dCur, normed[i], inv[i], other, n, c, area, ResBlock.GROUP);
            float[] dIn = dCur;
            convs[i].backward(other, i == 0 ? null : dIn, grad);
            dCur = dIn;
        }
    }

    private void ensure(int n) {
        if (n == rows) {
            return;
        }
        rows = n;
        int layers = convs.length;
        convOut = new float[layers][];
        normed = new float[layers][];
        inv = new float[layers][];
        sig = new float[layers][];
        act = new float[layers][];
        pooled = new float[layers][];
        int h = height;
        int w = width;
        int biggest = n * channels * h * w;
        for (int i = 0; i < layers; i++) {
            int size = n * WIDTHS[i] * h * w;
            biggest = Math.max(biggest, size);
            convOut[i] = new float[size];
            normed[i] = new float[size];
            inv[i] = new float[n * WIDTHS[i] / ResBlock.GROUP];
            sig[i] = new float[size];
            act[i] = new float[size];
            if (i < pools) {
                h /= 2;
                w /= 2;
                pooled[i] = new float[n * WIDTHS[i] * h * w];
            }
        }
        input = new float[n * channels * height * width];
        gap = new float[n * WIDTHS[layers - 1]];
        dGap = new float[gap.length];
        pre = new float[n * FEATURES];
        sigH = new float[n * FEATURES];
        feat = new float[n * FEATURES];
        dFeat = new float[n * FEATURES];
        logits = new float[n * classes];
        dLogits = new float[n * classes];
        dA = new float[biggest];
        dB = new float[biggest];
    }
}
