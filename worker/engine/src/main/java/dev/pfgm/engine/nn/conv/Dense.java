package dev.pfgm.engine.nn.conv;

/** A small fully connected layer y = x W + b (W [in, out]) in plain Java: the z-embedding path. */
final class Dense {
    final int in;
    final int out;
    final int weightAt;
    final int biasAt;

    Dense(int in, int out, Params params, double gain) {
        this.in = in;
        this.out = out;
        this.weightAt = params.add(in, in * out, gain);
        this.biasAt = params.add(0, out, 0);
    }

    void forward(float[] p, float[] x, float[] y, int n) {
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                y[r * out + o] = p[biasAt + o];
            }
            for (int i = 0; i < in; i++) {
                float xi = x[r * in + i];
                int w = weightAt + i * out;
                for (int o = 0; o < out; o++) {
                    y[r * out + o] += xi * p[w + o];
                }
            }
        }
    }

    /** Adds dL/dW, dL/db into grad and dL/dx into dx (when not null). */
    void backward(float[] p, float[] x, float[] dy, float[] dx, float[] grad, int n) {
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                grad[biasAt + o] += dy[r * out + o];
            }
            for (int i = 0; i < in; i++) {
                float xi = x[r * in + i];
                int w = weightAt + i * out;
                float acc = 0;
                for (int o = 0; o < out; o++) {
                    float g = dy[r * out + o];
                    grad[w + o] += xi * g;
                    acc += g * p[w + o];
                }
                if (dx != null) {
                    dx[r * in + i] = acc;
                }
            }
        }
    }
}
