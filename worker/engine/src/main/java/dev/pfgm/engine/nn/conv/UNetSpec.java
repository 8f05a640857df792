package dev.pfgm.engine.nn.conv;

/**
 * The shape of a {@link UNet}: images of {@code channels} x {@code height} x {@code width},
 * {@code base} channels at full resolution (a multiple of 8, the group size of the normalisation),
 * {@code levels} halvings (fewer when a side turns odd or reaches 4 pixels), {@code frequencies}
 * sine/cosine pairs embedding ln z, and {@code classes} labels the network is conditioned on (0 for
 * an unconditional network): a one-hot of the label joins the embedding's input, all zeros for
 * "no label".
 */
public record UNetSpec(int channels, int height, int width, int base, int levels, int frequencies, int classes) {
    public UNetSpec(int channels, int height, int width, int base, int levels, int frequencies) {
        this(channels, height, width, base, levels, frequencies, 0);
    }

    public UNetSpec {
        if (classes < 0) {
            throw new IllegalArgumentException("classes " + classes + " is negative");
        }
        if (base < 8 || base % ResBlock.GROUP != 0) {
            throw new IllegalArgumentException("U-Net width " + base + " is not a positive multiple of "
                    + ResBlock.GROUP);
        }
        levels = Math.min(levels, maxLevels(height, width));
    }

    /** Halvings possible while both sides stay even and above 4 pixels. */
    public static int maxLevels(int height, int width) {
        int l = 0;
        while (height % 2 == 0 && width % 2 == 0 && height > 4 && width > 4) {
            height /= 2;
            width /= 2;
            l++;
        }
        return l;
    }

    public int dim() {
        return channels * height * width;
    }

    int embedWidth() {
        return noiseEmbedWidth() + classes;
    }

    /** The sine/cosine pairs and ln z / 4: the embedding's inputs before the one-hot label. */
    int noiseEmbedWidth() {
        return 2 * frequencies + 1;
    }

    /** This shape without the class input. */
    public UNetSpec unconditional() {
        return new UNetSpec(channels, height, width, base, levels, frequencies, 0);
    }

    int hidden() {
        return 4 * base;
    }
}
