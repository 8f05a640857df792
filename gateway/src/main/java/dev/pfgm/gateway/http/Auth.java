package dev.pfgm.gateway.http;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.pfgm.shared.store.KeyStore;
import dev.pfgm.shared.store.KeyStore.Principal;
import java.time.Duration;
import java.util.Optional;

/**
 * Bearer-key authentication. Lookups are cached for a second so the request path does not pay a
 * database round trip per call; a revoked key therefore stops working within a second. The cache
 * holds at most 10,000 keys, so a flood of made-up keys cannot grow it.
 */
public final class Auth {
    private final LoadingCache<String, Optional<Principal>> cache;

    public Auth(KeyStore keys) {
        this.cache = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(1))
                .build(key -> key.startsWith("pfgm_") ? keys.find(key) : Optional.empty());
    }

    /** Blocking: may query the database. Throws 401 for a missing, malformed or unknown key. */
    public Principal authenticate(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "Unauthorized", "send the API key as 'Authorization: Bearer <key>'");
        }
        String key = header.substring(7).strip();
        return cache.get(key).orElseThrow(() -> new ApiException(401, "Unauthorized", "unknown or revoked API key"));
    }

    public void forget() {
        cache.invalidateAll();
    }
}
