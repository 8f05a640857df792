package dev.pfgm.engine.model;

/**
 * What an image model knows about its images: their shape, the pixel standard deviation its
 * network's preconditioning uses, whether they were 8-bit (likelihoods are then reported in
 * bits/dim with dequantisation), and the number of classes in the training labels (0 if none).
 */
public record ImageMeta(int channels, int height, int width, double sigmaData, boolean eightBit, double meanNorm) {
    public int dim() {
        return channels * height * width;
    }

    public String shape() {
        return channels + "x" + height + "x" + width;
    }
}
