package dev.pfgm.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * A request body (JSON, at most 1 MiB) that has not arrived within the limit is answered 408 and
 * its connection closed: one trickled at a byte every few seconds held a connection, one of
 * PFGM_HTTP_MAX_CONNECTIONS, for ever (uploads have their own rate rule in UploadGate).
 */
public final class BodyDeadline {
    private BodyDeadline() {
    }

    public static Handler<RoutingContext> of(Vertx vertx, int seconds) {
        return ctx -> {
            if (ctx.request().isEnded()) {
                ctx.next();
                return;
            }
            long timer = vertx.setTimer(seconds * 1000L, id -> {
                if (!ctx.request().isEnded() && !ctx.response().ended()) {
                    Problem.send(ctx, new ApiException(408, "Request Timeout", "the request's body did not arrive"
                            + " within " + seconds + " s (PFGM_HTTP_BODY_SECONDS)").header("Connection", "close"));
                    ctx.request().connection().close();
                }
            });
            ctx.addEndHandler(v -> vertx.cancelTimer(timer));
            ctx.next();
        };
    }
}
