package dev.pfgm.gateway.api;

import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.gateway.http.Auth;
import dev.pfgm.gateway.http.Problem;
import dev.pfgm.gateway.http.RateLimiter;
import dev.pfgm.shared.store.DependencyWait;
import dev.pfgm.shared.store.KeyStore.Principal;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a handler's blocking work (JDBC, object storage) on Vert.x's worker pool, never on the
 * event loop, after authenticating the caller; turns ApiException into a problem response and
 * anything else into a 500 that names no internals.
 */
public record Endpoint(Vertx vertx, Auth auth, RateLimiter limiter) {
    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);

    /** The blocking part of a handler. */
    @FunctionalInterface
    public interface Work {
        Reply run(Principal caller) throws Exception;
    }

    /** Authenticates first, then runs {@code next} on the event loop (to read a body only for a known caller). */
    public void authenticated(RoutingContext ctx, java.util.function.Consumer<Principal> next) {
        String authorization = ctx.request().getHeader("Authorization");
        vertx.executeBlocking(() -> {
            Principal p = auth.authenticate(authorization);
            return Map.entry(p, limiter.take(p));
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                ar.result().getValue().headers().forEach(ctx.response()::putHeader);
                next.accept(ar.result().getKey());
            } else {
                fail(ctx, ar.cause());
            }
        });
    }

    /** Like {@link #run} for a caller already authenticated. */
    public void runAs(RoutingContext ctx, Principal caller, Work work) {
        reply(ctx, vertx.executeBlocking(() -> work.run(caller), false));
    }

    public void run(RoutingContext ctx, Work work) {
        String authorization = ctx.request().getHeader("Authorization");
        reply(ctx, vertx.executeBlocking(() -> {
            Principal p = auth.authenticate(authorization);
            RateLimiter.Decision d = limiter.take(p);
            try {
                Reply r = work.run(p);
                d.headers().forEach(r::header);
                return r;
            } catch (ApiException e) {
                d.headers().forEach(e::header);
                throw e;
            }
        }, false));
    }

    /** Writes the reply when the blocking work ends, or the problem it failed with. */
    private static void reply(RoutingContext ctx, io.vertx.core.Future<Reply> work) {
        work.onComplete(ar -> {
            if (ar.succeeded()) {
                write(ctx, ar.result());
            } else {
                fail(ctx, ar.cause());
            }
        });
    }

    static void write(RoutingContext ctx, Reply r) {
        HttpServerResponse resp = ctx.response();
        if (resp.ended()) {
            return;
        }
        r.headers().forEach(resp::putHeader);
        if (r.writer() != null) {
            r.writer().accept(ctx);
            return;
        }
        resp.setStatusCode(r.status());
        if (r.body() == null) {
            resp.end();
        } else {
            resp.putHeader("Content-Type", r.contentType()).end(r.body());
        }
    }

    static void fail(RoutingContext ctx, Throwable t) {
        if (t instanceof ApiException e) {
            Problem.send(ctx, e);
            return;
        }
        if (DependencyWait.unavailable(t)) {
            String which = t instanceof dev.pfgm.shared.store.ObjectStore.ObjectStoreException ? "object storage"
                    : "the database";
            LOG.warn("request {} {}: {} unavailable: {}", ctx.request().method(), ctx.request().path(), which,
                    t.getMessage());
            Problem.send(ctx, ApiException.unavailable(which + " is unavailable; the request changed nothing"
                    + " (or, for a submission with an Idempotency-Key, may be repeated safely)", 5));
            return;
        }
        String ref = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("request {} {} failed (ref {})", ctx.request().method(), ctx.request().path(), ref, t);
        Problem.send(ctx, new ApiException(500, "Internal Server Error",
                "the request failed inside the service (ref " + ref + "); it changed nothing that is not reported"));
    }

    /** An id from a path: a malformed one names no resource, so 404 like an unknown one. */
    public static UUID uuid(String raw, String what) {
        UUID id = parseUuid(raw);
        if (id == null) {
            throw ApiException.notFound(what, raw);
        }
        return id;
    }

    /** The UUID {@code raw} spells, or null. */
    public static UUID parseUuid(String raw) {
        try {
            return raw == null ? null : UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Runs work (for a caller already known) on {@code pool} instead of the shared worker pool. */
    public void runOn(io.vertx.core.WorkerExecutor pool, RoutingContext ctx, java.util.concurrent.Callable<Reply> work) {
        reply(ctx, pool.executeBlocking(work, false));
    }

    /** Runs blocking work for an endpoint that needs no key (readiness, metrics). */
    public void runOpen(RoutingContext ctx, java.util.concurrent.Callable<Reply> work) {
        reply(ctx, vertx.executeBlocking(work, false));
    }
}
