package dev.pfgm.engine.data;

import dev.pfgm.engine.random.SeedPlan;
import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageSet;

/**
 * Images as the engine's points, and the discrete likelihood of 8-bit images (math.md
 * section 9): pixel levels k become (k + U) / 256 mapped to [-1, 1), U ~ U[0, 1), and
 * bits/dim = nll / (N ln 2) + log2(128), since each level's bin is 2/256 wide in model units.
 */
public final class ImageData {
    private ImageData() {
    }

    public static Dataset points(ImageSet images) {
        float[] px = images.pixels();
        double[] v = new double[px.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = px[i];
        }
        return new Dataset(images.source(), v, images.count(), images.dim(), images.sha256());
    }

    /** Uniformly dequantised pixels of 8-bit images (the same for the same seed); other images as they are. */
    public static Dataset dequantised(ImageSet images, long seed) {
        if (!images.eightBit()) {
            return points(images);
        }
        float[] px = images.pixels();
        int dim = images.dim();
        double[] v = new double[px.length];
        for (int i = 0; i < images.count(); i++) {
            SeedPlan rng = SeedPlan.forItem(seed, i);
            for (int k = 0; k < dim; k++) {
                int level = (int) Math.round((px[i * dim + k] + 1) * 127.5);
                v[i * dim + k] = 2 * (level + rng.nextDouble()) / 256 - 1;
            }
        }
        return new Dataset(images.source(), v, images.count(), dim, images.sha256());
    }

    /** Bits per dimension from a mean NLL in nats: the discrete version for 8-bit data. */
    public static double bitsPerDim(double meanNllNats, int dim, boolean eightBit) {
        return meanNllNats / (dim * Math.log(2)) + (eightBit ? 7 : 0);
    }
}
