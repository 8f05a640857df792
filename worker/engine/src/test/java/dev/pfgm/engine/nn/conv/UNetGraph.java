package dev.pfgm.engine.nn.conv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The U-Net of {@link UNet} built as a SameDiff graph, for tests: with the same weights it must give
 * the same output F and the same gradients of e . F (weights and input) as the hand-written network.
 * Weights are created in the same order as {@link Params} lays them out.
 */
final class UNetGraph {
    private final UNetSpec spec;
    private final SameDiff sd = SameDiff.create();
    private final List<SDVariable> params = new ArrayList<>();
    private final Conv2DConfig conv3 = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1)
            .paddingMode(PaddingMode.SAME).dataFormat("NCHW").build();
    private final Conv2DConfig conv1 = Conv2DConfig.builder().kH(1).kW(1).sH(1).sW(1)
            .paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();

    UNetGraph(UNetSpec spec) {
        this.spec = spec;
        int c0 = spec.channels();
        int ew = spec.embedWidth();
        int hidden = spec.hidden();
        int base = spec.base();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, c0, spec.height(), spec.width());
        SDVariable emb = sd.placeHolder("emb", DataType.FLOAT, -1, ew);
        SDVariable probe = sd.placeHolder("probe", DataType.FLOAT, -1, c0, spec.height(), spec.width());
        SDVariable t = sd.nn.swish(dense(emb, ew, hidden));
        t = sd.identity("t", sd.nn.swish(dense(t, hidden, hidden)));
        SDVariable h = sd.identity("hin", conv(x, c0, base, conv3));
        int hh = spec.height();
        int ww = spec.width();
        List<SDVariable> skips = new ArrayList<>();
        int c = base;
        for (int l = 0; l < spec.levels(); l++) {
            h = resBlock(h, c, base << l, t, hh, ww);
            c = base << l;
            skips.add(h);
            h = sd.cnn.avgPooling2d(h, Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2)
                    .type(Pooling2D.Pooling2DType.AVG).paddingMode(PaddingMode.VALID).isNHWC(false).build());
            hh /= 2;
            ww /= 2;
        }
        h = sd.identity("mid", resBlock(h, c, base << spec.levels(), t, hh, ww));
        c = base << spec.levels();
        for (int l = spec.levels() - 1; l >= 0; l--) {
            h = sd.cnn.upsampling2d(h, 2, 2, true);
            hh *= 2;
            ww *= 2;
            h = sd.concat(1, h, skips.get(l));
            h = resBlock(h, c + (base << l), base << l, t, hh, ww);
            c = base << l;
        }
        h = sd.nn.swish(groupNorm(h, c, hh, ww));
        SDVariable f = sd.identity("F", conv(h, c, c0, conv3));
        sd.setLossVariables(sd.identity("form", f.mul(probe).sum()));
    }

    private SDVariable resBlock(SDVariable in, int cin, int cout, SDVariable t, int hh, int ww) {
        SDVariable h = conv(sd.nn.swish(groupNorm(in, cin, hh, ww)), cin, cout, conv3);
        h = h.add(dense(t, spec.hidden(), cout).reshape(-1, cout, 1, 1));
        h = conv(sd.nn.swish(h), cout, cout, conv3);
        return h.add(cin == cout ? in : conv(in, cin, cout, conv1));
    }

    private SDVariable groupNorm(SDVariable in, int c, int hh, int ww) {
        SDVariable grouped = in.reshape(-1, c / ResBlock.GROUP, (long) ResBlock.GROUP * hh * ww);
        return sd.math.standardize(grouped, 2).reshape(-1, c, hh, ww);
    }

    private SDVariable conv(SDVariable in, int cin, int cout, Conv2DConfig cfg) {
        long k = cfg.getKH();
        return sd.cnn.conv2d(in, param(k, k, cin, cout), param(cout), cfg);
    }

    private SDVariable dense(SDVariable in, int nin, int nout) {
        // mmul + add rather than sd.nn.linear, whose output buffer came back in the wrong order (M2.1)
        SDVariable w = param(nin, nout);
        return in.mmul(w).add(param(nout));
    }

    private SDVariable param(long... shape) {
        SDVariable v = sd.var("p" + params.size(), Nd4j.zeros(DataType.FLOAT, shape));
        params.add(v);
        return v;
    }

    void load(float[] w) {
        int at = 0;
        for (SDVariable p : params) {
            INDArray a = p.getArr();
            int n = (int) a.length();
            float[] slice = new float[n];
            System.arraycopy(w, at, slice, 0, n);
            a.assign(Nd4j.create(slice, a.shape()));
            at += n;
        }
        if (at != w.length) {
            throw new IllegalStateException("graph has " + at + " weights, network " + w.length);
        }
    }

    private Map<String, INDArray> inputs(float[] u, float[] emb, float[] probe, int n) {
        Map<String, INDArray> ph = new HashMap<>();
        ph.put("x", Nd4j.create(u, new long[] {n, spec.channels(), spec.height(), spec.width()}));
        ph.put("emb", Nd4j.create(emb, new long[] {n, spec.embedWidth()}));
        ph.put("probe", Nd4j.create(probe, new long[] {n, spec.channels(), spec.height(), spec.width()}));
        return ph;
    }

    float[] output(float[] u, float[] emb, int n) {
        return output(u, emb, n, "F");
    }

    float[] output(float[] u, float[] emb, int n, String name) {
        return sd.output(inputs(u, emb, new float[u.length], n), name).get(name).dup('c').reshape(-1).toFloatVector();
    }

    /** Gradients of probe . F: the weights (flat, in layout order) then the input x. */
    float[][] gradients(float[] u, float[] emb, float[] probe, int n) {
        List<String> names = new ArrayList<>();
        for (SDVariable p : params) {
            names.add(p.name());
        }
        names.add("x");
        Map<String, INDArray> g = sd.calculateGradients(inputs(u, emb, probe, n), names);
        int total = 0;
        for (SDVariable p : params) {
            total += (int) p.getArr().length();
        }
        float[] w = new float[total];
        int at = 0;
        for (SDVariable p : params) {
            float[] v = g.get(p.name()).dup('c').reshape(-1).toFloatVector();
            System.arraycopy(v, 0, w, at, v.length);
            at += v.length;
        }
        return new float[][] {w, g.get("x").dup('c').reshape(-1).toFloatVector()};
    }
}
