package dev.pfgm.synthesis;

import dev.pfgm.engine.data.ImageData;
import dev.pfgm.engine.likelihood.Likelihood;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.engine.sample.Progress;
import dev.pfgm.engine.sample.SolverSpec;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageFiles;
import dev.pfgm.shared.data.ImageSet;
import dev.pfgm.shared.synthesis.SynthesisSpec;
import java.util.Arrays;

/**
 * The filter's threshold: the q-quantile of the model's log density (data units) over the training
 * data, from up to {@value #TABLE_ROWS} rows of a table or {@value #IMAGE_ROWS} images spread evenly
 * through it (8-bit images dequantised), with the synthesis's estimator, by the likelihood's RK45
 * at its default tolerances. Deterministic: the same model, data and spec give the same threshold.
 */
public final class DensityThreshold {
    static final int TABLE_ROWS = 2000;
    static final int IMAGE_ROWS = 200;
    private static final long SEED = 0x7E57L;

    private DensityThreshold() {
    }

    public static double of(PfgmModel model, ImageFiles.Loaded training, SynthesisSpec spec, Progress progress) {
        Dataset reference;
        if (training.isImages()) {
            ImageSet all = training.images();
            int n = Math.min(IMAGE_ROWS, all.count());
            int dim = all.dim();
            float[] px = new float[n * dim];
            for (int i = 0; i < n; i++) {
                System.arraycopy(all.pixels(), (int) ((long) i * all.count() / n) * dim, px, i * dim, dim);
            }
            reference = ImageData.dequantised(new ImageSet(all.source(), px, n, all.channels(), all.height(),
                    all.width(), all.eightBit(), null, all.sha256()), SEED);
        } else {
            Dataset all = training.table();
            int n = Math.min(TABLE_ROWS, all.count());
            double[] v = new double[n * all.dim()];
            for (int i = 0; i < n; i++) {
                System.arraycopy(all.values(), (int) ((long) i * all.count() / n) * all.dim(), v, i * all.dim(),
                        all.dim());
            }
            reference = new Dataset(all.source(), v, n, all.dim(), all.sha256());
        }
        model.checkDimension(reference, "training data");
        Likelihood.Result nll = new Likelihood(model).nll(reference, spec.probes(), SEED,
                SolverSpec.DEFAULT_TOLERANCE, SolverSpec.DEFAULT_TOLERANCE, progress);
        double[] logp = new double[reference.count()];
        for (int i = 0; i < logp.length; i++) {
            logp[i] = -nll.values()[i];
        }
        Arrays.sort(logp);
        return logp[(int) Math.floor(spec.filterQuantile() * (logp.length - 1))];
    }
}
