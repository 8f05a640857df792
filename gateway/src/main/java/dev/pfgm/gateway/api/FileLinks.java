package dev.pfgm.gateway.api;

import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.gateway.http.Problem;
import dev.pfgm.shared.Text;
import dev.pfgm.shared.config.Config;
import dev.pfgm.shared.config.Settings;
import dev.pfgm.shared.store.DatasetStore;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.ObjectStore;
import io.minio.MinioClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How files leave the service. By default they stream through the gateway: the object store may
 * stay on a private network (compose, Kubernetes), and the one address clients know serves
 * everything. Links handed out in listings and previews are the gateway's own signed URLs
 * ({@code /v1/files/EXPIRES.SIGNATURE/KEY}), usable without an API key until they expire, as a
 * browser's {@code <img>} or {@code curl -O} needs. With {@code PFGM_S3_PUBLIC_ENDPOINT} set, links
 * and downloads are instead presigned for that endpoint, and the bytes bypass the gateway.
 * Streaming relays the store's answer as it comes (back-pressure, Range requests passed through).
 */
public final class FileLinks {
    private static final List<String> RELAYED = List.of("Content-Length", "Content-Range", "Accept-Ranges", "ETag",
            "Last-Modified", "Content-Type");
    /** Files one tenant may stream from a gateway at once, and the gateway's connections to the store. */
    static final int PER_TENANT = 16;
    private static final int STORE_CONNECTIONS = 256;
    private static final int RETRY_SECONDS = 2;
    private final Vertx vertx;
    private final ObjectStore objects;
    private final JobStore jobs;
    private final DatasetStore datasets;
    private final TenantShares slots = new TenantShares(PER_TENANT);
    private final MinioClient publicSigner;
    private final String bucket;
    private final int seconds;
    private final byte[] signingKey;
    private final HttpClient store;

    public FileLinks(Vertx vertx, ObjectStore objects, JobStore jobs, DatasetStore datasets, Config config) {
        this.vertx = vertx;
        this.objects = objects;
        this.jobs = jobs;
        this.datasets = datasets;
        this.bucket = config.get(Settings.S3_BUCKET);
        this.seconds = config.getInt(Settings.PRESIGN_SECONDS);
        String publicEndpoint = config.get(Settings.S3_PUBLIC_ENDPOINT);
        // the region is given, so presigning needs no call to an endpoint the gateway may not reach
        this.publicSigner = publicEndpoint.isEmpty() ? null : MinioClient.builder().endpoint(publicEndpoint)
                .credentials(config.get(Settings.S3_ACCESS_KEY), config.get(Settings.S3_SECRET_KEY))
                .region(config.get(Settings.S3_REGION)).build();
        // every gateway of a deployment shares the store's secret, so each verifies the others' links
        this.signingKey = sha256("pfgm file links\n" + config.get(Settings.S3_SECRET_KEY) + "\n" + bucket);
        this.store = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(3_000).setIdleTimeout(60),
                new PoolOptions().setHttp1MaxSize(STORE_CONNECTIONS));
    }

    /**
     * A link to the object at {@code key}, valid for PFGM_PRESIGN_SECONDS (previews' grids too: they
     * lasted an hour whatever the operator set), for the client of {@code ctx}.
     */
    public String url(RoutingContext ctx, String key) {
        if (publicSigner != null) {
            return presignPublic(key, seconds);
        }
        long expires = Instant.now().getEpochSecond() + seconds;
        return ctx.request().scheme() + "://" + ctx.request().authority() + path(key, expires);
    }

    /** How long a link lives (PFGM_PRESIGN_SECONDS). */
    public int seconds() {
        return seconds;
    }

    /** The path of the link to {@code key} until {@code expires}: the one spelling the service accepts. */
    private String path(String key, long expires) {
        StringBuilder path = new StringBuilder("/v1/files/").append(expires).append('.').append(signature(key, expires));
        for (String segment : key.split("/")) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path.toString();
    }

    /** The tenant's authenticated download of {@code key}: streamed here, or a redirect to the public store. */
    public Reply download(String tenant, String key) {
        if (publicSigner != null) {
            return Reply.empty(302).header("Location", presignPublic(key, seconds));
        }
        return Reply.stream(ctx -> relay(ctx, key, tenant));
    }

    /** GET /v1/files/EXPIRES.SIGNATURE/KEY: the link is its own authorisation. */
    public void mount(Router r) {
        r.get("/v1/files/:token/*").handler(ctx -> {
            String token = ctx.pathParam("token");
            String key = URLDecoder.decode(ctx.pathParam("*"), StandardCharsets.UTF_8);
            int dot = token.indexOf('.');
            long expires;
            try {
                expires = dot > 0 ? Long.parseLong(token.substring(0, dot)) : -1;
            } catch (NumberFormatException e) {
                expires = -1;
            }
            // the path exactly as signed: "+EXP", "0EXP", "%2F" for "/", "x/../" and "//" reached the same file
            if (expires < 0 || !MessageDigest.isEqual(signature(key, expires).getBytes(StandardCharsets.US_ASCII),
                    token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))
                    || !ctx.request().path().equals(path(key, expires))) {
                Problem.send(ctx, new ApiException(403, "Forbidden", "this file link is not one the service signed"));
                return;
            }
            if (Instant.now().getEpochSecond() > expires) {
                Problem.send(ctx, new ApiException(403, "Forbidden", "this file link expired at "
                        + Instant.ofEpochSecond(expires) + "; list the job's artifacts again for a fresh one"));
                return;
            }
            // the link names its object; the share it counts against is its job's or dataset's tenant's
            vertx.executeBlocking(() -> tenantOf(key), false).onComplete(owner -> {
                if (owner.failed()) {
                    Endpoint.fail(ctx, owner.cause());
                } else if (owner.result().isEmpty()) {
                    Problem.send(ctx, ApiException.notFound("file", name(key)));
                } else {
                    relay(ctx, key, owner.result().get());
                }
            });
        });
    }

    /** The tenant whose job or dataset holds the object (keys begin jobs/ID/ or datasets/ID/). */
    private Optional<String> tenantOf(String key) {
        String[] parts = key.split("/", 3);
        UUID id;
        try {
            id = parts.length == 3 ? UUID.fromString(parts[1]) : null;
        } catch (IllegalArgumentException e) {
            id = null;
        }
        if (id == null) {
            return Optional.empty();
        }
        return switch (parts[0]) {
            case "jobs" -> Optional.ofNullable(jobs.find(id)).map(JobRecord::tenant);
            case "datasets" -> datasets.tenantOf(id);
            default -> Optional.empty();
        };
    }

    /**
     * Streams the object within the tenant's share of the gateway's connections to the store (503
     * past it), passing Range and conditional requests to the store and its answer back.
     */
    private void relay(RoutingContext ctx, String key, String tenant) {
        if (!slots.take(tenant)) {
            Problem.send(ctx, ApiException.unavailable("this tenant is streaming " + slots.perTenant() + " files from"
                    + " this gateway already (each holds a connection to the object store while its client reads);"
                    + " try again when one has ended", RETRY_SECONDS));
            return;
        }
        ctx.addEndHandler(v -> slots.give(tenant)); // the response ended, or the connection closed
        fetch(ctx, key, true);
    }

    /** The same, the Range header left out when {@code partial} is false (an If-Range that did not hold). */
    private void fetch(RoutingContext ctx, String key, boolean partial) {
        String from;
        try {
            from = objects.presignedGet(key, 60, name(key));
        } catch (RuntimeException e) {
            Endpoint.fail(ctx, e);
            return;
        }
        // a connection from the pool within 10 s, or the store counts as unavailable (503), not a hang
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(from)
                .setConnectTimeout(10_000);
        // If-None-Match and If-Modified-Since are decided here, on the store's ETag and Last-Modified: the
        // store answered 200 to a tag list, a weak tag, "*" and its own Last-Modified
        String range = ctx.request().getHeader("Range");
        String usable = partial && range != null ? usableRange(range) : null;
        if (usable != null) {
            request.putHeader("Range", usable);
        }
        String ifRange = ctx.request().getHeader("If-Range");
        store.request(request).compose(req -> req.send()).onComplete(ar -> {
            if (ar.failed()) {
                Endpoint.fail(ctx, new ObjectStore.ObjectStoreException(ar.cause().getMessage(), ar.cause(), true));
                return;
            }
            HttpClientResponse up = ar.result();
            int status = up.statusCode();
            if (status == 404) {
                up.body();
                Problem.send(ctx, ApiException.notFound("file", name(key)));
                return;
            }
            if (status == 416) {
                up.body();
                unsatisfiable(ctx, key, from, range);
                return;
            }
            if (status != 200 && status != 206) {
                up.body();
                Endpoint.fail(ctx, new ObjectStore.ObjectStoreException("object storage answered " + status, null,
                        status >= 500));
                return;
            }
            // RFC 9110 section 13.2.2: If-None-Match (or If-Modified-Since) first, then If-Range
            boolean notModified = notModified(ctx, up.getHeader("ETag"), up.getHeader("Last-Modified"));
            if (!notModified && status == 206 && ifRange != null
                    && !ConditionalHeaders.ifRangeHolds(ifRange, up.getHeader("ETag"), up.getHeader("Last-Modified"))) {
                discard(up); // the part is of another version than the client holds: the whole file instead
                fetch(ctx, key, false);
                return;
            }
            HttpServerResponse res = ctx.response().setStatusCode(notModified ? 304 : status);
            for (String h : RELAYED) {
                String v = up.getHeader(h);
                if (v != null) {
                    res.putHeader(h, v);
                }
            }
            res.putHeader("Accept-Ranges", "bytes");
            res.putHeader("Content-Disposition", "attachment; filename=\"" + name(key) + "\"");
            res.putHeader("Cache-Control", "private, max-age=" + seconds);
            if (notModified || HttpMethod.HEAD.equals(ctx.request().method())) { // no body: the store's is not read
                discard(up);
                if (notModified) {
                    res.headers().remove("Content-Length").remove("Content-Range");
                }
                res.end();
                return;
            }
            // not ended on failure: Vert.x's pipe ends its destination when a write fails, then asks it
            // whether its queue is full, which throws on the ended response (an error logged for every
            // client that hung up mid-file)
            up.pipe().endOnFailure(false).to(res).onFailure(e -> {
                discard(up); // the client hung up, or the store did: the store's stream is not read on
                if (!res.ended()) {
                    res.reset(); // the store went away mid-file: the client sees a cut transfer, not a short file
                }
            });
        });
    }

    private static boolean notModified(RoutingContext ctx, String etag, String lastModified) {
        return ConditionalHeaders.notModified(ctx.request().getHeader("If-None-Match"),
                ctx.request().getHeader("If-Modified-Since"), etag, lastModified);
    }

    /** Drops the store's answer unread: its stream is reset, and the reset's own exception is expected. */
    private static void discard(HttpClientResponse up) {
        up.handler(chunk -> { });
        up.exceptionHandler(e -> { });
        up.request().reset();
    }

    /**
     * A range past the end: 416 as problem+json with the file's length in Content-Range (RFC 9110
     * section 15.5.17), which the store's answer lacks; its length, ETag and Last-Modified come from a
     * one-byte request. A client that holds this version gets 304 instead, and one whose If-Range does
     * not hold the whole file (the conditions come before the range, section 13.2.2).
     */
    private void unsatisfiable(RoutingContext ctx, String key, String from, String range) {
        RequestOptions probe = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(from)
                .setConnectTimeout(10_000).putHeader("Range", "bytes=0-0");
        store.request(probe).compose(req -> req.send()).onComplete(ar -> {
            long length = -1;
            String etag = null;
            String lastModified = null;
            if (ar.succeeded()) {
                HttpClientResponse up = ar.result();
                up.body();
                etag = up.getHeader("ETag");
                lastModified = up.getHeader("Last-Modified");
                String cr = up.getHeader("Content-Range");
                String cl = up.getHeader("Content-Length");
                try {
                    if (up.statusCode() == 206 && cr != null && cr.contains("/")) {
                        length = Long.parseLong(cr.substring(cr.lastIndexOf('/') + 1).strip());
                    } else if (up.statusCode() == 416) {
                        length = 0; // not even byte 0: an empty file
                    } else if (up.statusCode() == 200 && cl != null) {
                        length = Long.parseLong(cl.strip());
                    }
                } catch (NumberFormatException e) {
                    length = -1;
                }
            }
            if (etag != null || lastModified != null) {
                String ifRange = ctx.request().getHeader("If-Range");
                if (notModified(ctx, etag, lastModified)) {
                    HttpServerResponse res = ctx.response().setStatusCode(304);
                    if (etag != null) {
                        res.putHeader("ETag", etag);
                    }
                    if (lastModified != null) {
                        res.putHeader("Last-Modified", lastModified);
                    }
                    res.putHeader("Cache-Control", "private, max-age=" + seconds).end();
                    return;
                }
                if (ifRange != null && !ConditionalHeaders.ifRangeHolds(ifRange, etag, lastModified)) {
                    fetch(ctx, key, false);
                    return;
                }
            }
            ApiException e = new ApiException(416, "Range Not Satisfiable", "the range " + (range == null ? "asked for" : Text.printable(range))
                    + " starts past the end of " + name(key) + (length >= 0 ? " (" + length + " bytes)" : ""));
            if (length >= 0) {
                e.header("Content-Range", "bytes */" + length);
            }
            Problem.send(ctx, e);
        });
    }

    private static final java.util.regex.Pattern ONE_RANGE = java.util.regex.Pattern.compile(
            "bytes=(?:(\\d{1,400})-(\\d{0,400})|-(\\d{1,400}))", java.util.regex.Pattern.CASE_INSENSITIVE);
    /** Past any object's size: a position beyond it means the same to the store, and fits its parser. */
    private static final java.math.BigInteger PAST_ANY_OBJECT = java.math.BigInteger.TEN.pow(18);

    /**
     * One byte range, well formed (first <= last), as the store is sent it: what it answers 206 or
     * 416 to; null for anything else, which is ignored and the whole file sent, as RFC 9110 allows
     * (the store would answer 400 to some, which is the client's malformed header, not an outage).
     * Positions past 10^18 are sent as 10^18 (a 19-digit start got the whole file, not a 416).
     */
    static String usableRange(String range) {
        java.util.regex.Matcher m = ONE_RANGE.matcher(range.strip());
        if (!m.matches()) {
            return null;
        }
        if (m.group(3) != null) {
            return "bytes=-" + clamped(m.group(3));
        }
        java.math.BigInteger first = new java.math.BigInteger(m.group(1));
        if (!m.group(2).isEmpty() && first.compareTo(new java.math.BigInteger(m.group(2))) > 0) {
            return null;
        }
        return "bytes=" + clamped(m.group(1)) + "-" + (m.group(2).isEmpty() ? "" : clamped(m.group(2)));
    }

    private static String clamped(String digits) {
        return new java.math.BigInteger(digits).min(PAST_ANY_OBJECT).toString();
    }

    private String presignPublic(String key, int validSeconds) {
        try {
            return publicSigner.getPresignedObjectUrl(io.minio.GetPresignedObjectUrlArgs.builder()
                    .method(io.minio.http.Method.GET).bucket(bucket).object(key)
                    .expiry(validSeconds, java.util.concurrent.TimeUnit.SECONDS)
                    .extraQueryParams(java.util.Map.of("response-content-disposition",
                            "attachment; filename=\"" + name(key) + "\""))
                    .build());
        } catch (Exception e) {
            throw new IllegalStateException("presigning for PFGM_S3_PUBLIC_ENDPOINT failed: " + e.getMessage(), e);
        }
    }

    private static String name(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    private String signature(String key, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(
                    (key + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
