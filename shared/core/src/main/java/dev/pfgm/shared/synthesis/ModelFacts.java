package dev.pfgm.shared.synthesis;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the synthesis rules need to know of a model: images or a table, its dimension (and image
 * shape), its number of classes (0: unconditional) and the network size that sets the cost of one
 * evaluation. The gateway reads them from the model's row, the worker and the command line from
 * the model file, through the same {@link #of}.
 */
public record ModelFacts(boolean image, int dim, int channels, int height, int width, int classes, int hidden,
                         int depth, int unetWidth, boolean diffusion) {

    /**
     * @param settings the model's resolved training settings (hidden, depth, unet_width; aug_dim "inf"
     *                 for a diffusion model)
     * @param shape    "CxHxW" for an image model, null for a table
     * @param classes  number of classes of a class-conditional model, 0 otherwise
     */
    public static ModelFacts of(JsonNode settings, int dim, String shape, int classes) {
        int c = 0;
        int h = 0;
        int w = 0;
        if (shape != null) {
            String[] p = shape.split("x");
            c = Integer.parseInt(p[0]);
            h = Integer.parseInt(p[1]);
            w = Integer.parseInt(p[2]);
        }
        return new ModelFacts(shape != null, dim, c, h, w, classes, settings.path("hidden").asInt(128),
                settings.path("depth").asInt(4), settings.path("unet_width").asInt(32),
                "inf".equals(settings.path("aug_dim").asText()));
    }

    /**
     * FLOP of one network evaluation of one row: 2 per multiply-add of the MLP; for the U-Net the
     * 203 MFLOP its width-32 two-level form measured on 28 x 28 images (149 GFLOP/s at 735
     * evaluations/s, docs/benchmarks.md), scaled as {@link #secondsPerEvaluation} scales.
     */
    public double flopsPerEvaluation() {
        if (image) {
            return 2.03e8 * (unetWidth / 32.0) * (unetWidth / 32.0) * (height * width / 784.0) * (channels + 2) / 3.0;
        }
        return 2 * ((double) hidden * hidden * (depth - 1) + hidden * (2.0 * dim + 17));
    }

    /** Rows the engine integrates together (a fixed-shape chunk): shard sizes are best kept multiples of it. */
    public int chunkRows() {
        return image ? 64 : 256;
    }

    /**
     * Seconds one network evaluation of one row takes on one of the development machines (2 vCPUs,
     * both busy), from the measured rates: the 4 x 128 MLP on 2-D data 2.9 us (sample, RK45, 3,700
     * rows/s at 93 NFE), the width-32 U-Net on 28 x 28 images 3.1 ms (edm, 9.2 images/s at 35 NFE);
     * other sizes scale with the multiply-adds. Only the default shard size uses it.
     */
    public double secondsPerEvaluation() {
        if (image) {
            return 3.1e-3 * (unetWidth / 32.0) * (unetWidth / 32.0) * (height * width / 784.0) * (channels + 2) / 3.0;
        }
        double macs = (double) hidden * hidden * (depth - 1) + hidden * (2.0 * dim + 17);
        return 2.9e-6 * macs / (128.0 * 128 * 3 + 128 * 21);
    }
}
