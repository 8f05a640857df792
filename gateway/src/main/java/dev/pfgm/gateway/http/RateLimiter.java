package dev.pfgm.gateway.http;

import dev.pfgm.shared.store.KeyStore.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Request rate limits per API key: a token bucket holding the tenant's requests_per_minute, filled
 * at that rate, so a key may burst a minute's worth and then keep to the rate. In the gateway's
 * memory: with several gateways each allows the rate (stated in the README). Admin keys are not
 * limited. Every answer carries the IETF draft's headers in both spellings in use:
 * {@code RateLimit-Policy} / {@code RateLimit} and {@code RateLimit-Limit} / {@code -Remaining} / {@code -Reset}.
 */
public final class RateLimiter {
    private static final long REFRESH_NANOS = 10_000_000_000L;
    /** Keys remembered at most; past it every bucket is forgotten (and starts full again). */
    static final int MAX_KEYS = 100_000;
    private final ToLongFunction<String> perMinute;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** What one request was allowed, as headers. */
    public record Decision(long limit, long remaining, long resetSeconds) {
        static final Decision NONE = new Decision(-1, -1, -1);

        public Map<String, String> headers() {
            if (limit < 0) {
                return Map.of();
            }
            return Map.of("RateLimit-Policy", "\"default\";q=" + limit + ";w=60",
                    "RateLimit", "\"default\";r=" + remaining + ";t=" + resetSeconds,
                    "RateLimit-Limit", Long.toString(limit),
                    "RateLimit-Remaining", Long.toString(remaining),
                    "RateLimit-Reset", Long.toString(resetSeconds));
        }
    }

    private static final class Bucket {
        long perMinute;
        double tokens;
        long lastNanos;
        long checkedNanos;
    }

    /** {@code perMinute}: a tenant's requests per minute (looked up at most every 10 s per key). */
    public RateLimiter(ToLongFunction<String> perMinute) {
        this(perMinute, System::nanoTime);
    }

    /** With the clock given: tests move it instead of waiting. */
    RateLimiter(ToLongFunction<String> perMinute, LongSupplier nanoClock) {
        this.perMinute = perMinute;
        this.nanoClock = nanoClock;
    }

    /** Takes one request from the caller's bucket; throws 429 with Retry-After when it is empty. */
    public Decision take(Principal p) {
        if (p.admin()) {
            return Decision.NONE;
        }
        long now = nanoClock.getAsLong();
        if (buckets.size() >= MAX_KEYS && !buckets.containsKey(p.prefix())) {
            buckets.clear(); // a bound on memory; forgotten buckets start full (not inside computeIfAbsent,
                             // whose function must not change the map)
        }
        Bucket b = buckets.computeIfAbsent(p.prefix(), k -> {
            Bucket nb = new Bucket();
            nb.perMinute = perMinute.applyAsLong(p.tenant());
            nb.tokens = nb.perMinute;
            nb.lastNanos = now;
            nb.checkedNanos = now;
            return nb;
        });
        if (now - b.checkedNanos > REFRESH_NANOS) {
            long rate = perMinute.applyAsLong(p.tenant()); // outside the lock: a database read
            synchronized (b) {
                b.perMinute = rate;
                b.checkedNanos = now;
            }
        }
        synchronized (b) {
            double perSecond = b.perMinute / 60.0;
            b.tokens = Math.min((double) b.perMinute, b.tokens + (double) (now - b.lastNanos) / 1e9 * perSecond);
            b.lastNanos = now;
            if (b.tokens < 1) {
                long wait = Math.max(1, (long) Math.ceil((1 - b.tokens) / perSecond));
                ApiException e = new ApiException(429, "Too Many Requests", "key " + p.prefix() + " made more than "
                        + b.perMinute + " requests a minute (tenant " + p.tenant() + "'s requests_per_minute quota);"
                        + " retry in " + wait + " s");
                new Decision(b.perMinute, 0, secondsToFull(b, perSecond)).headers().forEach(e::header);
                throw e.header("Retry-After", Long.toString(wait));
            }
            b.tokens -= 1;
            return new Decision(b.perMinute, (long) Math.floor(b.tokens), secondsToFull(b, perSecond));
        }
    }

    /** The reset: seconds until the bucket is full again, from its tokens now (after any request taken). */
    private static long secondsToFull(Bucket b, double perSecond) {
        return (long) Math.ceil((b.perMinute - b.tokens) / perSecond);
    }

    /** A tenant's quota changed: its keys look it up again at their next request. */
    public void forget() {
        buckets.clear();
    }
}
