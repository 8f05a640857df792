package dev.pfgm.shared.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageGridTest {
    @Test
    void cellsLandWhereTheyBelong() throws Exception {
        ImageSet discs = ProceduralImages.discs(5, 12, 2, 3, 1);
        byte[] png = ImageGrid.png(discs.pixels(), 5, 1, 12, 12, 3);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(3 * 13 + 1, img.getWidth());
        assertEquals(2 * 13 + 1, img.getHeight());
        for (int i = 0; i < 5; i++) {
            int ox = 1 + (i % 3) * 13;
            int oy = 1 + (i / 3) * 13;
            for (int y = 0; y < 12; y++) {
                for (int x = 0; x < 12; x++) {
                    int expected = ImageGrid.level(discs.pixels()[i * 144 + y * 12 + x]);
                    assertEquals(expected, img.getRaster().getSample(ox + x, oy + y, 0), "image " + i);
                }
            }
        }
        // the sixth cell is empty and the grid round-trips through the PNG zip reader's levels
        assertEquals(0, img.getRaster().getSample(1 + 2 * 13 + 5, 1 + 13 + 5, 0));
        assertEquals(1f, ImageSet.level(ImageGrid.level(1f)), 1e-6);
        assertEquals(-1f, ImageSet.level(ImageGrid.level(-1.5f)), 1e-6);
    }

    @Test
    void displayedImagesAreClippedAndOnTheDataLevels() {
        float[] raw = {-1.24f, -1.0004f, -0.3f, 0.0041f, 0.9f, 1.4f};
        float[] eight = ImageSet.displayed(raw, true);
        float[] cont = ImageSet.displayed(raw, false);
        for (int i = 0; i < raw.length; i++) {
            float clipped = Math.max(-1f, Math.min(1f, raw[i]));
            assertEquals(clipped, cont[i], 0f, "continuous data: only clipped");
            // on one of the 256 levels k / 127.5 - 1, the nearest one to the clipped value
            double k = (eight[i] + 1) * 127.5;
            assertEquals(Math.rint(k), k, 1e-4, "value " + raw[i] + " -> " + eight[i]);
            assertEquals(clipped, eight[i], 0.5 / 127.5 + 1e-6);
        }
        assertEquals(-1f, eight[0]);
        assertEquals(1f, eight[5]);
        assertEquals(-1.24f, raw[0], "the input is left as it was");
    }

    @Test
    void rgbChannelsStayApart() throws Exception {
        float[] px = new float[3 * 2 * 2];
        for (int p = 0; p < 4; p++) {
            px[p] = 1f;        // red plane full
            px[4 + p] = -1f;   // green empty
            px[8 + p] = 0f;    // blue half
        }
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(ImageGrid.png(px, 1, 3, 2, 2, 1)));
        int rgb = img.getRGB(1, 1);
        assertEquals(255, (rgb >> 16) & 255);
        assertEquals(0, (rgb >> 8) & 255);
        assertEquals(128, rgb & 255);
    }
}
