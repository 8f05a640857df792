package dev.pfgm.shared.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.InvalidInputException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {
    /** The label column leaves the table wherever it stands; the other columns keep their order and names. */
    @Test
    void aMiddleLabelColumnLeavesTheOthersInOrder() {
        Dataset t = new Dataset("t.csv", new double[] {1, 0, 2, 3, 1, 4, 5, 2, 6}, 3, 3, "sha", List.of("a", "label", "b"));
        Labels.Split byName = Labels.split(t, "label", "--label-column");
        assertArrayEquals(new int[] {0, 1, 2}, byName.labels());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, byName.features().values(), 0);
        assertEquals(List.of("a", "b"), byName.features().columns());
        assertEquals(2, byName.features().dim());
        assertEquals("label", byName.column());

        Dataset headerless = new Dataset("t.npy", t.values(), 3, 3, "sha");
        Labels.Split byIndex = Labels.split(headerless, "1", "--label-column");
        assertArrayEquals(new int[] {0, 1, 2}, byIndex.labels());
        assertNull(byIndex.features().columns());
        assertEquals("1", byIndex.column());
    }

    @Test
    void anIdxLabelsFileMustSayItHoldsLabels() {
        byte[] labels = ByteBuffer.allocate(10).putInt(0x00000801).putInt(2).put((byte) 3).put((byte) 4).array();
        assertArrayEquals(new int[] {3, 4}, IdxFile.readLabels(labels, "l.idx", 2));
        byte[] images = labels.clone();
        images[3] = 0x03; // the unsigned-byte images' magic
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IdxFile.readLabels(images, "l.idx", 2));
        assertTrue(e.getMessage().contains("IDX magic is 0x00000803"), e.getMessage());
    }
}
