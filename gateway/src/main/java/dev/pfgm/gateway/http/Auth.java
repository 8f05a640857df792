package dev.pfgm.gateway.http;

import dev.pfgm.shared.store.KeyStore;
import dev.pfgm.shared.store.KeyStore.Principal;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer-key authentication. Lookups are cached for a second so the request path does not pay a
 * database round trip per call; a revoked key therefore stops working within a second.
 */
public final class Auth {
    private static final long TTL_NANOS = 1_000_000_000L;
    private final KeyStore keys;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<Principal> principal, long until) {
    }

    public Auth(KeyStore keys) {
        this.keys = keys;
    }

    /** Blocking: may query the database. Throws 401 for a missing, malformed or unknown key. */
    public Principal authenticate(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "Unauthorized", "send the API key as 'Authorization: Bearer <key>'");
        }
        String key = header.substring(7).strip();
        long now = System.nanoTime();
        Cached c = cache.get(key);
        if (c == null || c.until - now < 0) {
            if (cache.size() > 10_000) {
                cache.clear();
            }
            c = new Cached(key.startsWith("pfgm_") ? keys.find(key) : Optional.empty(), now + TTL_NANOS);
            cache.put(key, c);
        }
        return c.principal.orElseThrow(() -> new ApiException(401, "Unauthorized", "unknown or revoked API key"));
    }

    public void forget() {
        cache.clear();
    }
}
