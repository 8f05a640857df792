package dev.pfgm.engine.nn.conv;

/**
 * A residual block conditioned on the z embedding t: out = skip(x) + conv2(swish(conv1(swish(gn(x))) + shift(t))),
 * where gn is group normalisation, shift a dense map of t to one value per output channel, and
 * skip the identity or a 1x1 convolution when the width changes. conv2 starts small (gain 0.1),
 * so each block begins close to its skip path. Activations are channels-last [n, h, w, c].
 */
final class ResBlock {
    static final int GROUP = 8;

    final int in;
    final int out;
    private final Conv conv1;
    private final Dense shift;
    private final Conv conv2;
    private final Conv skip;

    private int n;
    private int h;
    private int w;
    private float[] x;
    private float[] t;
    private float[] gn = new float[0];
    private float[] inv = new float[0];
    private float[] sig0 = new float[0];
    private float[] a0 = new float[0];
    private float[] shiftOut = new float[0];
    private float[] h1 = new float[0];
    private float[] sig1 = new float[0];
    private float[] a1 = new float[0];
    private float[] h2 = new float[0];
    private float[] skipOut = new float[0];
    private float[] dA = new float[0];
    private float[] dH = new float[0];
    private float[] dShift = new float[0];
    private float[] dtLocal = new float[0];

    ResBlock(int in, int out, int hidden, Params params) {
        this.in = in;
        this.out = out;
        this.conv1 = new Conv(in, out, 3, params, 1.0, true);
        this.shift = new Dense(hidden, out, params, 1.0);
        this.conv2 = new Conv(out, out, 3, params, 0.1, true);
        this.skip = in == out ? null : new Conv(in, out, 1, params, 1.0, true);
    }

    /** Multiply-adds of this block's convolutions for one image of {@code area} pixels. */
    long multiplyAdds(int area) {
        long m = conv1.multiplyAdds(area) + conv2.multiplyAdds(area);
        return skip == null ? m : m + skip.multiplyAdds(area);
    }

    void upload(float[] p) {
        conv1.upload(p);
        conv2.upload(p);
        if (skip != null) {
            skip.upload(p);
        }
    }

    private void ensure(int rows, int height, int width, int hidden) {
        int area = height * width;
        if (rows != n || height != h || width != w) {
            n = rows;
            h = height;
            w = width;
            int ni = rows * in * area;
            int no = rows * out * area;
            gn = new float[ni];
            inv = new float[rows * in / GROUP];
            sig0 = new float[ni];
            a0 = new float[ni];
            shiftOut = new float[rows * out];
            h1 = new float[no];
            sig1 = new float[no];
            a1 = new float[no];
            h2 = new float[no];
            skipOut = skip == null ? null : new float[no];
            dA = new float[Math.max(ni, no)];
            dH = new float[Math.max(ni, no)];
            dShift = new float[rows * out];
            dtLocal = new float[rows * hidden];
        }
    }

    /** y = block(x, t) for {@code rows} images of height x width; keeps x and t for backward. */
    void forward(float[] p, float[] xIn, float[] tIn, float[] y, int rows, int height, int width) {
        ensure(rows, height, width, shift.in);
        x = xIn;
        t = tIn;
        int area = height * width;
        int no = rows * out * area;
        NhwcKernels.groupNormSwish(x, gn, inv, sig0, a0, rows, in, area, GROUP);
        conv1.forward(a0, h1, rows, height, width);
        shift.forward(p, t, shiftOut, rows);
        NhwcKernels.addShift(h1, shiftOut, rows, out, area);
        Kernels.swish(h1, a1, sig1, no);
        conv2.forward(a1, h2, rows, height, width);
        if (skip != null) {
            skip.forward(x, skipOut, rows, height, width);
            for (int i = 0; i < no; i++) {
                y[i] = h2[i] + skipOut[i];
            }
        } else {
            for (int i = 0; i < no; i++) {
                y[i] = h2[i] + x[i];
            }
        }
    }

    /**
     * From dL/dy: writes dL/dx into dx, adds dL/dt into dt and the weight gradients into grad; with
     * grad null, dL/dx alone (no weight or embedding gradients, dt untouched).
     */
    void backward(float[] p, float[] dy, float[] dx, float[] dt, float[] grad) {
        int area = h * w;
        int ni = n * in * area;
        int no = n * out * area;
        boolean inputOnly = grad == null;
        if (inputOnly) {
            conv2.inputGradient(dy, dA);
        } else {
            conv2.backward(dy, dA, grad);
        }
        Kernels.swishBackward(dA, h1, sig1, dH, no);
        if (!inputOnly) {
            NhwcKernels.shiftBackward(dH, dShift, n, out, area);
            shift.backward(p, t, dShift, dtLocal, grad, n);
            for (int i = 0; i < dtLocal.length; i++) {
                dt[i] += dtLocal[i];
            }
            conv1.backward(dH, dA, grad);
        } else {
            conv1.inputGradient(dH, dA);
        }
        Kernels.swishBackward(dA, gn, sig0, dH, ni);
        NhwcKernels.groupNormBackward(dH, gn, inv, dx, n, in, area, GROUP);
        if (skip != null) {
            if (inputOnly) {
                skip.inputGradient(dy, dA);
            } else {
                skip.backward(dy, dA, grad);
            }
            for (int i = 0; i < ni; i++) {
                dx[i] += dA[i];
            }
        } else {
            for (int i = 0; i < ni; i++) {
                dx[i] += dy[i];
            }
        }
    }
}
