package dev.pfgm.engine.model;

/**
 * What an image model knows about its images: their shape, the pixel standard deviation its
 * network's preconditioning uses, whether they were 8-bit (likelihoods are then reported in
 * bits/dim with dequantisation), their mean norm, and for a class-conditional model how many
 * training images each class had (null for an unconditional model; samples without a requested
 * class draw theirs from these shares).
 */
public record ImageMeta(int channels, int height, int width, double sigmaData, boolean eightBit, double meanNorm,
                        int[] classCounts) {
    public ImageMeta(int channels, int height, int width, double sigmaData, boolean eightBit, double meanNorm) {
        this(channels, height, width, sigmaData, eightBit, meanNorm, null);
    }

    public int dim() {
        return channels * height * width;
    }

    public String shape() {
        return channels + "x" + height + "x" + width;
    }

    /** Classes the network is conditioned on; 0 for an unconditional model. */
    public int classes() {
        return classCounts == null ? 0 : classCounts.length;
    }

    public ImageMeta withClassCounts(int[] counts) {
        return new ImageMeta(channels, height, width, sigmaData, eightBit, meanNorm, counts);
    }
}
