package dev.pfgm.gateway.api;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many of a gateway's shared resources one tenant holds, up to a share: the uploads it receives
 * and checks at once, the files it streams at once (each holds a connection to the object store for
 * as long as its client reads; one tenant's stalled clients held every connection).
 */
final class TenantShares {
    private final int perTenant;
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

    TenantShares(int perTenant) {
        this.perTenant = perTenant;
    }

    int perTenant() {
        return perTenant;
    }

    /** Takes one of the tenant's slots; false when it holds them all. */
    boolean take(String tenant) {
        boolean[] taken = {false};
        held.compute(tenant, (t, n) -> {
            int now = n == null ? 0 : n;
            if (now >= perTenant) {
                return n;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    void give(String tenant) {
        held.computeIfPresent(tenant, (t, n) -> n <= 1 ? null : n - 1);
    }
}
