package dev.pfgm.gateway.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

/**
 * Where the service may send webhooks: http(s) URLs whose host resolves only to public addresses,
 * so that a tenant cannot make the service call into its own network (SSRF). Loopback, private,
 * link-local, carrier-grade NAT, unique-local and multicast addresses are refused unless the
 * operator allows them (PFGM_WEBHOOK_ALLOW_PRIVATE=1, for a receiver on the same network).
 */
public final class WebhookTargets {
    private WebhookTargets() {
    }

    /** Null when {@code url} may be called; otherwise what is wrong with it. */
    public static String problem(String url, boolean allowPrivate) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a URL: " + e.getMessage();
        }
        if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
            return "must be an http or https URL";
        }
        if (u.getHost() == null || u.getRawUserInfo() != null) {
            return "must name a host (and no user:password)";
        }
        if (allowPrivate) {
            return null;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(u.getHost())) {
                if (!isPublic(a)) {
                    return "resolves to " + a.getHostAddress() + ", an address on a private network, which webhooks may"
                            + " not call (the operator can allow it with PFGM_WEBHOOK_ALLOW_PRIVATE=1)";
                }
            }
        } catch (UnknownHostException e) {
            return "names a host that does not resolve: " + u.getHost();
        }
        return null;
    }

    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) != 0xfc; // fc00::/7, unique local
        }
        // 100.64.0.0/10 (carrier-grade NAT), 0.0.0.0/8, 192.0.0.0/24, 198.18.0.0/15 (benchmarking)
        int x = b[0] & 0xff;
        int y = b[1] & 0xff;
        return !(x == 100 && (y & 0xc0) == 64) && x != 0 && !(x == 192 && y == 0 && (b[2] & 0xff) == 0)
                && !(x == 198 && (y & 0xfe) == 18);
    }
}
