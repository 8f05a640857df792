package dev.pfgm.gateway.api;

import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.gateway.http.Problem;
import dev.pfgm.gateway.http.UnparsableRequest;
import dev.pfgm.shared.store.KeyStore.Principal;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Receives raw upload bodies: at most {@code slots} at once, and at most half of them (one at
 * least) from one tenant, so one tenant's slow uploads cannot hold every slot (more answer 503 with
 * Retry-After),
 * each streamed to a temporary file with back-pressure and cut off past its byte limit (413), then
 * handed with its file to work that runs on a pool of its own, not the pool the other routes share.
 * The slot is held and the file kept until that work ends, however the client behaves. A slot is
 * taken only once the caller's key is known, so callers without one cannot hold any.
 */
public final class UploadGate {
    private static final int RETRY_SECONDS = 5;
    private static final long SLOW_LOOK_MILLIS = 15_000;
    private static final long SLOW_BYTES = 16 * 1024;
    private static final long DISCARD_MILLIS = 30_000;
    private final Vertx vertx;
    private final Endpoint endpoint;
    private final long maxUploadBytes;
    private final int slots;
    private final Semaphore free;
    private final TenantShares shares;
    private final WorkerExecutor checkers;

    /** What a route does with a received body. */
    @FunctionalInterface
    public interface Work {
        Reply run(Principal caller, Path file, long size) throws Exception;
    }

    public UploadGate(Vertx vertx, Endpoint endpoint, long maxUploadBytes, int slots, int checkSeconds) {
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.maxUploadBytes = maxUploadBytes;
        this.slots = slots;
        this.free = new Semaphore(slots);
        this.shares = new TenantShares(Math.max(1, slots / 2));
        // checking is CPU work: half the cores at most, so the API keeps the others however hostile
        // the uploads (more wait for a checker, holding their slot). A check that overruns its limit
        // fails itself (DatasetCheck); Vert.x only warns past twice that.
        int threads = Math.min(slots, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        this.checkers = vertx.createSharedWorkerExecutor("pfgm-uploads", threads, 2L * checkSeconds,
                java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The byte limit of a route: the upload limit, or {@code routeLimit} when lower. */
    public long maxBytes(long routeLimit) {
        return Math.min(maxUploadBytes, routeLimit);
    }

    /** Uploads being received or checked now. */
    public int inFlight() {
        return slots - free.availablePermits();
    }

    public void receive(RoutingContext ctx, long limit, Work work) {
        HttpServerRequest req = ctx.request();
        String length = req.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,30}") && (length.length() > 18 || Long.parseLong(length) > limit)) {
            refuse(ctx, tooLarge(limit));
            return;
        }
        if (free.availablePermits() == 0) { // full: refused before the key is looked up or the body read
            refuse(ctx, full());
            return;
        }
        req.pause();
        // a body whose framing breaks while the caller is authenticated (the rest of the request is
        // often in the same packet); Upload.start sets its own handler for the body it reads
        req.exceptionHandler(e -> UnparsableRequest.answerBody(ctx, e));
        endpoint.authenticated(ctx, caller -> {
            if (ctx.response().ended() || ctx.response().closed()) { // answered, or the connection is gone
                return;
            }
            // a slot is taken only by a caller with a key: requests with made-up keys, which cost a
            // database lookup each, held slots while they were looked up and turned real uploads away
            if (!free.tryAcquire()) {
                refuseAfterAuthentication(ctx, limit, full());
                return;
            }
            Upload u = new Upload(ctx, limit);
            ctx.addEndHandler(v -> u.responseEnded()); // on the event loop, as a close would be: none is missed
            req.exceptionHandler(e -> {
                u.release();
                UnparsableRequest.answerBody(ctx, e);
            });
            if (!u.claimShare(caller.tenant())) {
                u.release();
                refuseAfterAuthentication(ctx, limit, ApiException.unavailable("this tenant is sending "
                        + shares.perTenant() + " uploads to this gateway already, its share (half of PFGM_MAX_UPLOADS);"
                        + " try again when one has ended", RETRY_SECONDS));
                return;
            }
            if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
                ctx.response().writeContinue();
            }
            u.start(caller, work);
        });
    }

    private ApiException full() {
        return ApiException.unavailable("this gateway is receiving " + slots + " uploads already (PFGM_MAX_UPLOADS); try"
                + " again shortly", RETRY_SECONDS);
    }

    /**
     * Answers {@code problem} while reading and dropping the rest of the body (up to {@code limit} bytes and
     * 30 s, then the connection closes), so that the answer reaches a client still sending: refused
     * after authentication, part of the body is already in the socket, and a close with unread bytes
     * resets the connection before the client reads the answer (RFC 9112 section 9.6).
     */
    private void refuseAfterAuthentication(RoutingContext ctx, long limit, ApiException problem) {
        HttpServerRequest req = ctx.request();
        long[] seen = {0};
        long timer = vertx.setTimer(DISCARD_MILLIS, id -> req.connection().close());
        req.handler(chunk -> {
            seen[0] += chunk.length();
            if (seen[0] > limit) {
                vertx.cancelTimer(timer);
                req.connection().close();
            }
        });
        req.endHandler(v -> vertx.cancelTimer(timer));
        req.exceptionHandler(e -> vertx.cancelTimer(timer));
        req.resume();
        Problem.send(ctx, problem);
    }

    /** Answers before the body is read, and closes the connection rather than read a body nobody wants. */
    private static void refuse(RoutingContext ctx, ApiException e) {
        ctx.response().putHeader("Connection", "close");
        Problem.send(ctx, e);
    }

    /** A 413 naming the limit, and the setting when it is the operator's (a route's own limit is not). */
    private ApiException tooLarge(long limit) {
        return new ApiException(413, "Content Too Large", "the body is larger than " + limit + " bytes ("
                + (limit >> 20) + " MiB" + (limit == maxUploadBytes ? ", PFGM_MAX_UPLOAD_MB" : "") + ")");
    }

    /** One upload's life: receiving, checking, and the release of its slot and file exactly once. */
    private final class Upload {
        private final RoutingContext ctx;
        private final long limit;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile boolean working;
        private volatile Path file;
        private volatile AsyncFile out;
        private long received;
        private long seenAtLastLook;
        private boolean over;
        private volatile long slowTimer = -1;
        private volatile String tenant;

        /** Counts this upload in its tenant's share; false when the share is taken. */
        boolean claimShare(String who) {
            if (!shares.take(who)) {
                return false;
            }
            tenant = who;
            return true;
        }

        Upload(RoutingContext ctx, long limit) {
            this.ctx = ctx;
            this.limit = limit;
        }

        void start(Principal caller, Work work) {
            HttpServerRequest req = ctx.request();
            vertx.fileSystem().createTempFile("pfgm-upload-", ".part")
                    .compose(p -> {
                        file = Path.of(p);
                        return vertx.fileSystem().open(p, new OpenOptions().setWrite(true));
                    })
                    .onFailure(e -> {
                        Endpoint.fail(ctx, e);
                        release();
                    })
                    .onSuccess(f -> {
                        out = f;
                        // a body that trickles holds a slot: below 16 KiB in 15 s it is cut off
                        slowTimer = vertx.setPeriodic(SLOW_LOOK_MILLIS, id -> {
                            if (!over && !working && received - seenAtLastLook < SLOW_BYTES) {
                                over = true;
                                refuse(ctx, new ApiException(408, "Request Timeout", "the body arrived at less than "
                                        + SLOW_BYTES / 1024 + " KiB per " + SLOW_LOOK_MILLIS / 1000 + " s"));
                                release();
                            }
                            seenAtLastLook = received;
                        });
                        req.handler(chunk -> {
                            received += chunk.length();
                            if (over) {
                                return;
                            }
                            if (received > limit) {
                                over = true;
                                refuse(ctx, tooLarge(limit));
                                return;
                            }
                            out.write(chunk);
                            if (out.writeQueueFull()) {
                                req.pause();
                                out.drainHandler(v -> req.resume());
                            }
                        });
                        req.exceptionHandler(e -> {
                            release();
                            if (!over) {
                                UnparsableRequest.answerBody(ctx, e);
                            }
                        });
                        req.endHandler(v -> {
                            vertx.cancelTimer(slowTimer);
                            if (over) {
                                return;
                            }
                            long size = received;
                            AsyncFile written = out;
                            out = null; // closed here; release() must not close it again
                            written.close().onComplete(closed -> {
                                if (closed.failed()) {
                                    Endpoint.fail(ctx, closed.cause());
                                    release();
                                    return;
                                }
                                working = true;
                                Path in = file;
                                endpoint.runOn(checkers, ctx, () -> {
                                    try {
                                        return work.run(caller, in, size);
                                    } finally {
                                        release();
                                    }
                                });
                            });
                        });
                        req.resume();
                    });
        }

        /** The response ended or the connection closed: release now unless the work still runs. */
        void responseEnded() {
            if (!working) {
                release();
            }
        }

        void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            free.release();
            String who = tenant;
            if (who != null) {
                shares.give(who);
            }
            if (slowTimer >= 0) {
                vertx.cancelTimer(slowTimer);
            }
            AsyncFile open = out;
            if (open != null) {
                out = null;
                open.close();
            }
            Path f = file;
            if (f != null) {
                vertx.fileSystem().delete(f.toString());
            }
        }
    }
}
