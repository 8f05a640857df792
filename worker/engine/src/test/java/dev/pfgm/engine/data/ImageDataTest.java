package dev.pfgm.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.data.Dataset;
import dev.pfgm.shared.data.ImageSet;
import org.junit.jupiter.api.Test;

class ImageDataTest {
    /** Each 8-bit level lands inside its own bin of width 2/256, and a uniform density on [-1, 1]^N scores 8 bits/dim. */
    @Test
    void dequantisationAndBitsPerDim() {
        int n = 256;
        float[] px = new float[n * 4];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                px[i * 4 + k] = i / 127.5f - 1f;
            }
        }
        ImageSet images = new ImageSet("levels", px, n, 1, 2, 2, true, null, "x");
        Dataset d = ImageData.dequantised(images, 5);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                double v = d.values()[i * 4 + k];
                double lo = 2.0 * i / 256 - 1;
                assertTrue(v >= lo && v < lo + 2.0 / 256, "level " + i + " -> " + v);
            }
        }
        // uniform on [-1, 1]^N has density 2^-N: nll = N ln 2
        assertEquals(8.0, ImageData.bitsPerDim(4 * Math.log(2), 4, true), 1e-12);
        assertEquals(1.0, ImageData.bitsPerDim(4 * Math.log(2), 4, false), 1e-12);
    }
}
