package dev.pfgm.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pfgm.shared.store.KeyStore.Principal;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The token bucket: a minute's burst, then 429 with the wait; refilled at the rate up to the limit;
 * a changed quota read within 10 s; admins and other keys untouched. The clock is the test's.
 */
class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private void advanceSeconds(double s) {
        now.addAndGet((long) (s * TimeUnit.SECONDS.toNanos(1)));
    }

    @Test
    void aKeyBurstsItsMinuteThenWaits() {
        RateLimiter limiter = new RateLimiter(tenant -> tenant.equals("small") ? 3 : 600, now::get);
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
        // 3 a minute: the next token is 20 s away, and the bucket full again in 60
        assertEquals("20", refused.headers().get("Retry-After"));
        assertEquals("0", refused.headers().get("RateLimit-Remaining"));
        assertEquals("60", refused.headers().get("RateLimit-Reset"));

        // another key of another tenant has its own bucket; an admin key has none
        assertEquals(599, limiter.take(new Principal("big", false, "pk_b")).remaining());
        RateLimiter.Decision admin = limiter.take(new Principal("small", true, "pk_admin"));
        assertEquals(Map.of(), admin.headers());
    }

    @Test
    void theBucketRefillsAtTheRateUpToTheLimit() {
        RateLimiter limiter = new RateLimiter(tenant -> 3, now::get);
        Principal key = new Principal("t", false, "pk_a");
        for (int i = 0; i < 3; i++) {
            limiter.take(key);
        }
        advanceSeconds(15); // three quarters of a token
        ApiException early = assertThrows(ApiException.class, () -> limiter.take(key));
        assertEquals("5", early.headers().get("Retry-After"), "the rest of the token's 20 s");
        advanceSeconds(5.001);
        RateLimiter.Decision one = limiter.take(key);
        assertEquals(0, one.remaining(), "one token, taken");
        assertThrows(ApiException.class, () -> limiter.take(key));

        advanceSeconds(600); // ten minutes idle: full, not 30 tokens
        assertEquals(2, limiter.take(key).remaining());
        assertEquals(1, limiter.take(key).remaining());
        assertEquals(0, limiter.take(key).remaining());
        assertThrows(ApiException.class, () -> limiter.take(key));
    }

    @Test
    void aChangedQuotaIsReadWithinTenSeconds() {
        AtomicLong quota = new AtomicLong(3);
        RateLimiter limiter = new RateLimiter(tenant -> quota.get(), now::get);
        Principal key = new Principal("t", false, "pk_a");
        assertEquals(3, limiter.take(key).limit());
        quota.set(600);
        advanceSeconds(9);
        assertEquals(3, limiter.take(key).limit(), "not looked up again yet");
        advanceSeconds(2);
        RateLimiter.Decision after = limiter.take(key);
        assertEquals(600, after.limit());
        // the bucket keeps its tokens and fills at the new rate: 1.45 left at 9 s, 2 s at 10 a second
        // add 20, one taken
        assertEquals(20, after.remaining());

        quota.set(1);
        limiter.forget(); // a quota changed through the API: read at the next request
        assertEquals(1, limiter.take(key).limit());
        assertThrows(ApiException.class, () -> limiter.take(key));
    }

    @Test
    void pastTheKeyLimitEveryBucketStartsFullAgain() {
        RateLimiter limiter = new RateLimiter(tenant -> 1, now::get);
        Principal spent = new Principal("t", false, "pk_spent");
        limiter.take(spent);
        assertThrows(ApiException.class, () -> limiter.take(spent));
        for (int i = 1; i < RateLimiter.MAX_KEYS; i++) {
            limiter.take(new Principal("t", false, "pk_" + i));
        }
        // the map holds MAX_KEYS keys: a known one is still refused, a new one clears the map
        assertThrows(ApiException.class, () -> limiter.take(spent));
        limiter.take(new Principal("t", false, "pk_new"));
        assertEquals(0, limiter.take(spent).remaining(), "forgotten, so full again");
    }
}
