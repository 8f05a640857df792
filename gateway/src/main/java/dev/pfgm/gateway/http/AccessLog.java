package dev.pfgm.gateway.http;

import dev.pfgm.shared.Text;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's access log (PFGM_ACCESS_LOG=1): a logfmt line per request, at INFO under the
 * logger {@code dev.pfgm.gateway.access}, so an operator can route or drop it in the logging setup.
 * It names no key and no query string (they may carry names and metadata), and a file link's
 * signature is replaced: the link would work for anyone who read the log until it expires.
 */
public final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.pfgm.gateway.access");
    private static final String FILES = "/v1/files/";

    private AccessLog() {
    }

    public static void write(String method, String path, int status, long bytesSent, long nanos, String client) {
        LOG.info(line(method, path, status, bytesSent, nanos, client));
    }

    /** {@code method="GET" path="/v1/jobs/ID" status=200 bytes=512 ms=3.2 client=127.0.0.1}. */
    static String line(String method, String path, int status, long bytesSent, long nanos, String client) {
        return String.format(Locale.ROOT, "method=%s path=%s status=%d bytes=%d ms=%.1f client=%s", quoted(method),
                quoted(redacted(path)), status, bytesSent, nanos / 1e6, client == null ? "-" : quoted(client));
    }

    /** /v1/files/EXPIRES.SIGNATURE/KEY as /v1/files/(signed)/KEY. */
    static String redacted(String path) {
        if (path == null || !path.startsWith(FILES)) {
            return path;
        }
        int end = path.indexOf('/', FILES.length());
        return FILES + "(signed)" + (end < 0 ? "" : path.substring(end));
    }

    /**
     * A client's bytes as one quoted value: control characters as '?' and at most 200 characters
     * (Text.printable), quotes and backslashes escaped, so a request cannot forge or break lines.
     */
    private static String quoted(String s) {
        if (s == null) {
            return "-";
        }
        return '"' + Text.printable(s).replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
