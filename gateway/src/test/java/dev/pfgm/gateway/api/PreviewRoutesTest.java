package dev.pfgm.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PreviewRoutesTest {
    /** A generate job's CSV: the points are its first rows' sample columns, not its label, at most 1,000. */
    @Test
    void aCsvOfSamplesPreviewsItsFirstRowsWithoutTheLabel() {
        StringBuilder csv = new StringBuilder("\"x, first\",y,label\n");
        for (int i = 0; i < 1500; i++) {
            csv.append(i * 0.5f).append(',').append(-i * 0.25f).append(',').append(i % 3).append('\n');
        }
        JsonNode o = PreviewRoutes.scatterCsv(csv.toString().getBytes(StandardCharsets.UTF_8), 1500, 2);
        assertEquals("scatter", o.path("kind").asText());
        assertEquals(1500, o.path("count").asInt());
        assertEquals(2, o.path("dim").asInt());
        assertEquals(PreviewRoutes.MAX_POINTS, o.path("points").size());
        assertEquals("[0.5,-0.25]", o.path("points").get(1).toString());
        assertEquals("[499.5,-249.75]", o.path("points").get(999).toString());
    }
}
