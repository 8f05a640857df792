package dev.pfgm.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.TreeSet;

/**
 * The methods the router serves at a path, for a 405's Allow header (RFC 9110 section 15.5.6),
 * which Vert.x Web leaves out. Matches the API's route patterns: literal segments, ":param"
 * segments and a trailing "*".
 */
public final class AllowedMethods {
    private AllowedMethods() {
    }

    public static String at(Router router, String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() != null && route.methods() != null && matches(route.getPath(), path)) {
                route.methods().stream().map(HttpMethod::name).forEach(methods::add);
            }
        }
        if (methods.contains("GET")) {
            methods.add("HEAD"); // served for every GET route (the gateway reroutes it)
        }
        return String.join(", ", methods);
    }

    static boolean matches(String pattern, String path) {
        String[] want = pattern.split("/", -1);
        String[] got = path.split("/", -1);
        for (int i = 0; i < want.length; i++) {
            if (want[i].equals("*") && i == want.length - 1) {
                return true;
            }
            if (i >= got.length || !(want[i].equals(got[i]) || (want[i].startsWith(":") && !got[i].isEmpty()))) {
                return false;
            }
        }
        return want.length == got.length;
    }
}
