package dev.pfgm.gateway.http;

import dev.pfgm.shared.Text;
import io.vertx.core.http.HttpServerRequest;

/**
 * A request the HTTP decoder refused (a request line or header past the limits, a malformed
 * header) answered as problem+json like every other refusal; Vert.x's default answers these with
 * an empty body. The connection closes after it: the byte stream cannot be trusted past the error.
 */
public final class UnparsableRequest {
    private UnparsableRequest() {
    }

    public static void answer(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        ApiException e;
        // Netty names the two limits in these words (Vert.x's own handler tells them apart the same way)
        if (message.startsWith("An HTTP line is larger than")) {
            e = new ApiException(414, "URI Too Long", "the request line is longer than the gateway reads");
        } else if (message.startsWith("HTTP header is larger than")) {
            e = new ApiException(431, "Request Header Fields Too Large", "the headers are larger than the gateway"
                    + " reads");
        } else {
            e = new ApiException(400, "Bad Request", "the request is not valid HTTP/1.1"
                    + (message.isEmpty() ? "" : ": " + Text.printable(message)));
        }
        request.response().putHeader("Connection", "close");
        Problem.send(request, e);
    }
}
