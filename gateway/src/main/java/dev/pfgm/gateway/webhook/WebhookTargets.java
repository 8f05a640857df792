package dev.pfgm.gateway.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Where the service may send webhooks: http(s) URLs whose host resolves only to public addresses,
 * so that a tenant cannot make the service call into its own network (SSRF). Loopback, private,
 * link-local, carrier-grade NAT, unique-local and multicast addresses are refused, as are IPv6
 * addresses that carry one of them to an IPv4 host (NAT64, 6to4, IPv4-compatible or -translated,
 * Teredo), documentation and reserved nets, and any IPv6 address outside global unicast, unless the operator allows them
 * (PFGM_WEBHOOK_ALLOW_PRIVATE=1, for a receiver on the same network).
 */
public final class WebhookTargets {
    private WebhookTargets() {
    }

    /** Null when {@code url} may be called; otherwise what is wrong with it. */
    public static String problem(String url, boolean allowPrivate) {
        if (dev.pfgm.shared.Text.hasUnfit(url)) {
            return "holds a control character or half a surrogate pair"; // stored, it was altered to '?'
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a URL: " + e.getMessage();
        }
        // lower case, as the stored URL is checked (HTTP:// passed here and failed the table's check: a 500)
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
            return "must be an http or https URL (the scheme in lower case)";
        }
        if (u.getRawUserInfo() != null) {
            return "must not carry a user:password";
        }
        if (u.getHost() == null) {
            // java.net.URI leaves the host out when the authority is not a DNS name or a whole address
            // with a port of digits: 127.1, 0x7f.1, :-1, a port past 2^31
            return u.getRawAuthority() == null ? "must name a host" : "must name a host: '"
                    + dev.pfgm.shared.Text.printable(u.getRawAuthority())
                    + "' is not a DNS name or a whole IP address with a port from 1 to 65535";
        }
        if (u.getPort() == 0 || u.getPort() > 65535) {
            return "has port " + u.getPort() + "; a port is 1 to 65535";
        }
        if (u.getHost().matches("[0-9.]+") && u.getHost().matches("(.*\\.)?0[0-9].*")) {
            // 0177.0.0.1 is 127.0.0.1 to clients that read octal and 177.0.0.1 to Java
            return "has an IPv4 address with a leading zero, which clients read as octal or as decimal; write it"
                    + " without";
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
            byte[] v4 = embeddedIpv4(b);
            if (v4 != null) {
                try {
                    return isPublic(InetAddress.getByAddress(v4));
                } catch (UnknownHostException e) {
                    return false; // four bytes always make an address
                }
            }
            // global unicast only, 2000::/3 (unique local fc00::/7, NAT64 for a local network 64:ff9b:1::/48,
            // discard 100::/64 and the SRv6 SIDs 5f00::/16 lie outside it), less 2001::/23, IANA's special
            // purposes (Teredo, whose tunnel endpoint is an IPv4 address of the tunnel's choosing;
            // benchmarking; ORCHIDv2), and the documentation nets 2001:db8::/32 and 3fff::/20 (RFC 9637)
            boolean global = (b[0] & 0xe0) == 0x20;
            boolean special = prefix(b, 0x20, 0x01) && (b[2] & 0xfe) == 0;
            boolean documentation = prefix(b, 0x20, 0x01, 0x0d, 0xb8) || (prefix(b, 0x3f, 0xff) && (b[2] & 0xf0) == 0);
            return global && !special && !documentation;
        }
        // 100.64.0.0/10 (carrier-grade NAT), 0.0.0.0/8, 192.0.0.0/24, 198.18.0.0/15 (benchmarking),
        // the documentation nets 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, and 240.0.0.0/4
        // (reserved, with the broadcast address): none is a public host
        int x = b[0] & 0xff;
        int y = b[1] & 0xff;
        int z = b[2] & 0xff;
        return !(x == 100 && (y & 0xc0) == 64) && x != 0 && !(x == 192 && y == 0 && (z == 0 || z == 2))
                && !(x == 198 && (y & 0xfe) == 18) && !(x == 198 && y == 51 && z == 100)
                && !(x == 203 && y == 0 && z == 113) && x < 240;
    }

    /**
     * The IPv4 address an IPv6 one carries to an IPv4 host, which a gateway on the way (NAT64,
     * 6to4) or the stack (IPv4-compatible) would reach: ::a.b.c.d, 64:ff9b::a.b.c.d (NAT64's
     * well-known prefix), 2002:AABB:CCDD::/48 (6to4); null for any other address.
     */
    private static byte[] embeddedIpv4(byte[] b) {
        boolean zeroMiddle = true;
        for (int i = 4; i < 12; i++) {
            zeroMiddle &= b[i] == 0;
        }
        if (zeroMiddle && (prefix(b, 0, 0, 0, 0) || prefix(b, 0x00, 0x64, 0xff, 0x9b))) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if (prefix(b, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0)) { // ::ffff:0:a.b.c.d, IPv4-translated (RFC 2765)
            return Arrays.copyOfRange(b, 12, 16);
        }
        if (prefix(b, 0x20, 0x02)) {
            return Arrays.copyOfRange(b, 2, 6);
        }
        return null;
    }

    private static boolean prefix(byte[] b, int... p) {
        for (int i = 0; i < p.length; i++) {
            if ((b[i] & 0xff) != p[i]) {
                return false;
            }
        }
        return true;
    }
}
