package dev.pfgm.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.gateway.http.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Idempotency-Key header: UTF-8 as sent, counted in characters, 1 to 200 of them, no control characters. */
class IdempotencyKeyTest {
    /** What Vert.x hands over for a header sent as UTF-8 bytes: each byte as one Latin-1 character. */
    private static String asReceived(String sent) {
        return new String(sent.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aUtf8KeyIsCountedInCharacters() {
        assertNull(JobRoutes.idempotencyKey(null));
        assertEquals("order-42", JobRoutes.idempotencyKey(asReceived("order-42")));
        String greek = "κλειδί-".repeat(28); // 196 characters, 364 bytes
        assertEquals(greek, JobRoutes.idempotencyKey(asReceived(greek)));
        ApiException tooLong = assertThrows(ApiException.class,
                () -> JobRoutes.idempotencyKey(asReceived(greek + "ωωωωω")));
        assertTrue(tooLong.getMessage().contains("1 to 200 characters"), tooLong.getMessage());
    }

    @Test
    void blankControlAndBrokenKeysAreRefused() {
        for (String bad : new String[] {"", "  ", "a\u0000b", "a\tb"}) {
            assertThrows(ApiException.class, () -> JobRoutes.idempotencyKey(asReceived(bad)), bad);
        }
        ApiException broken = assertThrows(ApiException.class, () -> JobRoutes.idempotencyKey("\u00ff\u00fe"));
        assertTrue(broken.getMessage().contains("not UTF-8"), broken.getMessage());
    }
}
