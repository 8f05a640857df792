package dev.pfgm.gateway.http;

import dev.pfgm.shared.Text;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * A request the HTTP decoder refused (a request line or header past the limits, a malformed
 * header, a body whose chunked framing breaks) answered as problem+json like every other refusal;
 * Vert.x's default answers the first with an empty body and the last not at all. The connection
 * closes after it: the byte stream cannot be trusted past the error.
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

    /**
     * A body that broke off mid-way: the decoder's failure (a chunk size that is not hexadecimal or
     * overflows) reaches the body's reader, which fails the request; Vert.x closes the connection
     * right after, so the answer goes out now. Nothing is sent when an answer has begun or the
     * connection is already gone (a client that hung up).
     */
    public static void answerBody(RoutingContext ctx, Throwable cause) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten() || response.closed()) {
            return;
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        Problem.send(ctx, new ApiException(400, "Bad Request", "the request's body is not valid HTTP/1.1: "
                + Text.printable(message)).header("Connection", "close"));
        // Vert.x holds writes made while it reads until the read ends, and this one ends in the close;
        // Netty's flush sends the answer first (Vert.x's own connection class, hence the check)
        if (ctx.request().connection() instanceof ConnectionBase connection) {
            connection.channelHandlerContext().flush();
        }
    }
}
