package dev.pfgm.gateway.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** The SSRF guard on literal addresses (no name lookups): each refused range at both of its edges. */
class WebhookTargetsTest {
    private static boolean isPublic(String literal) throws UnknownHostException {
        return WebhookTargets.isPublic(InetAddress.getByName(literal));
    }

    @Test
    void privateRangesAreRefusedToTheirEdges() throws UnknownHostException {
        String[] refused = {"127.0.0.1", "127.255.255.254", "0.0.0.0", "0.1.2.3", "10.0.0.0", "10.255.255.255",
            "172.16.0.0", "172.31.255.255", "192.168.0.1", "192.168.255.255", "169.254.169.254", "100.64.0.0",
            "100.127.255.255", "192.0.0.0", "192.0.0.255", "198.18.0.0", "198.19.255.255", "224.0.0.1",
            "239.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fdff:ffff::1", "ff02::1", "::ffff:10.0.0.1",
            "::ffff:127.0.0.1", "::10.0.0.1", "64:ff9b::10.0.0.1", "64:ff9b::169.254.169.254", "2002:a00:1::1",
            "2002:7f00:1::", "64:ff9b:1::8.8.8.8", "::ffff:0:7f00:1", "::ffff:0:a00:1", "2001::1",
            "2001:0:ffff:ffff::1", "2001:db8::1", "100::1", "2001:2::1", "2001:20::1", "2001:1ff:ffff::1", "3fff::1",
            "3fff:fff::1", "5f00::1", "fbff::1", "fe00::1", "64:ff9b:2::1", "2001:1::1", "192.0.2.0", "192.0.2.255", "198.51.100.7", "203.0.113.255", "240.0.0.0",
            "255.255.255.255"};
        for (String a : refused) {
            assertTrue(!isPublic(a), a + " is not public");
        }
        String[] allowed = {"8.8.8.8", "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "100.63.255.255",
            "100.128.0.0", "192.0.1.0", "191.255.255.255", "198.17.255.255", "198.20.0.0", "1.1.1.1",
            "2001:4860:4860::8888", "2001:200::1", "2a00:1450::1", "3ffe::1", "3fff:1000::1", "64:ff9b::8.8.8.8",
            "2002:808:808::1", "::8.8.8.8", "::ffff:0:808:808", "192.0.3.0", "198.51.99.255", "203.0.114.0", "223.255.255.255"};
        for (String a : allowed) {
            assertTrue(isPublic(a), a + " is public");
        }
    }

    @Test
    void urlsMustBeHttpWithAHostAndNoCredentials() {
        assertNull(WebhookTargets.problem("https://8.8.8.8/hook", false));
        assertNull(WebhookTargets.problem("http://8.8.8.8:8080/hook?x=1", false));
        String scheme = "must be an http or https URL (the scheme in lower case)";
        // the stored URL is checked in lower case: HTTP:// passed here and was a 500 at the table's check
        assertEquals(scheme, WebhookTargets.problem("HTTP://8.8.8.8:8080/hook?x=1", false));
        assertEquals(scheme, WebhookTargets.problem("ftp://8.8.8.8/x", false));
        assertEquals(scheme, WebhookTargets.problem("/relative/path", false));
        assertEquals("has port 99999; a port is 1 to 65535", WebhookTargets.problem("http://8.8.8.8:99999/x", false));
        assertEquals("has port 0; a port is 1 to 65535", WebhookTargets.problem("http://8.8.8.8:0/x", false));
        assertEquals("has port 65536; a port is 1 to 65535", WebhookTargets.problem("http://8.8.8.8:65536/x", false));
        assertNull(WebhookTargets.problem("http://8.8.8.8:65535/x", false));
        assertNull(WebhookTargets.problem("http://8.8.8.8:1/x", false));
        assertEquals("holds a control character or half a surrogate pair",
                WebhookTargets.problem("https://8.8.8.8/\ud800", false));
        assertEquals("must not carry a user:password", WebhookTargets.problem("http://u:p@8.8.8.8/x", false));
        assertEquals("must name a host", WebhookTargets.problem("http:///x", false));
        // what java.net.URI reads as no host is named as such, not as a user:password
        for (String odd : new String[] {"http://127.1/", "http://0x7f.1/", "http://example.com:-1/",
            "http://example.com:4294967376/"}) {
            String p = WebhookTargets.problem(odd, false);
            assertTrue(p.startsWith("must name a host: '") && p.contains("is not a DNS name or a whole IP address"),
                    odd + ": " + p);
        }
        assertTrue(WebhookTargets.problem("http://a b/", false).startsWith("is not a URL"));
        // 0177.0.0.1 is 127.0.0.1 to a client that reads octal, 177.0.0.1 to Java
        assertTrue(WebhookTargets.problem("http://0177.0.0.1/x", false).contains("leading zero"));
        assertTrue(WebhookTargets.problem("http://1.01.1.1/x", false).contains("leading zero"));
        assertNull(WebhookTargets.problem("http://10.0.0.1/x", true), "a zero that is not leading");
        String refused = WebhookTargets.problem("http://[::ffff:10.1.2.3]/x", false);
        assertTrue(refused != null && refused.startsWith("resolves to 10.1.2.3"), refused);
        // the operator's switch lets a receiver on the same network through, and nothing else
        assertNull(WebhookTargets.problem("http://10.1.2.3/x", true));
        assertEquals(scheme, WebhookTargets.problem("file:///etc/passwd", true));
    }
}
