package dev.pfgm.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pfgm.shared.store.KeyStore.Principal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The token bucket: a minute's burst, then 429 with the wait; admins and other keys untouched. */
class RateLimiterTest {
    @Test
    void aKeyBurstsItsMinuteThenWaits() {
        RateLimiter limiter = new RateLimiter(tenant -> tenant.equals("small") ? 3 : 600);
        Principal key = new Principal("small", false, "pk_a");
        RateLimiter.Decision first = limiter.take(key);
        assertEquals(3, first.limit());
        assertEquals(2, first.remaining());
        assertEquals(Map.of("RateLimit-Policy", "\"default\";q=3;w=60", "RateLimit", "\"default\";r=2;t=20",
                "RateLimit-Limit", "3", "RateLimit-Remaining", "2", "RateLimit-Reset", "20"), first.headers());
        assertEquals(1, limiter.take(key).remaining());
        assertEquals(0, limiter.take(key).remaining());
        ApiException refused = assertThrows(ApiException.class, () -> limiter.take(key));
        assertEquals(429, refused.status());
        // 3 a minute: the next token is 20 s away (less the few microseconds the test took)
        long wait = Long.parseLong(refused.headers().get("Retry-After"));
        assertTrue(wait >= 19 && wait <= 20, "Retry-After " + wait);
        assertEquals("0", refused.headers().get("RateLimit-Remaining"));

        // another key of another tenant has its own bucket; an admin key has none
        assertEquals(599, limiter.take(new Principal("big", false, "pk_b")).remaining());
        RateLimiter.Decision admin = limiter.take(new Principal("small", true, "pk_admin"));
        assertEquals(Map.of(), admin.headers());
    }
}
