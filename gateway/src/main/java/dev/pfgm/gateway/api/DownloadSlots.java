package dev.pfgm.gateway.api;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Files a tenant may be streaming from one gateway at once. Each streamed file holds one of the
 * gateway's connections to the object store for as long as its client takes to read it, and those
 * connections are shared: one tenant's clients that stopped reading held all of them, and every
 * other tenant's downloads waited.
 */
final class DownloadSlots {
    private final int perTenant;
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

    DownloadSlots(int perTenant) {
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
