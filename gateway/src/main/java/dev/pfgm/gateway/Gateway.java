package dev.pfgm.gateway;

import dev.pfgm.gateway.api.AdminRoutes;
import dev.pfgm.gateway.api.AnalysisChecks;
import dev.pfgm.gateway.api.DatasetRoutes;
import dev.pfgm.gateway.api.Endpoint;
import dev.pfgm.gateway.api.FileLinks;
import dev.pfgm.gateway.api.JobArtifacts;
import dev.pfgm.gateway.api.JobRoutes;
import dev.pfgm.gateway.api.ModelRoutes;
import dev.pfgm.gateway.api.OpsRoutes;
import dev.pfgm.gateway.api.PreviewRoutes;
import dev.pfgm.gateway.api.QuotaRoutes;
import dev.pfgm.gateway.api.ShardRoutes;
import dev.pfgm.gateway.api.UploadGate;
import dev.pfgm.gateway.api.WebhookRoutes;
import dev.pfgm.gateway.http.AccessLog;
import dev.pfgm.gateway.http.AllowedMethods;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.gateway.http.Auth;
import dev.pfgm.gateway.http.BodyDeadline;
import dev.pfgm.gateway.http.ConnectionGuard;
import dev.pfgm.gateway.http.ContractValidator;
import dev.pfgm.gateway.http.Metrics;
import dev.pfgm.gateway.http.Problem;
import dev.pfgm.gateway.http.QueryCheck;
import dev.pfgm.gateway.http.RateLimiter;
import dev.pfgm.gateway.http.UnparsableRequest;
import dev.pfgm.gateway.relay.OutboxRelay;
import dev.pfgm.gateway.sweep.RetentionSweeper;
import dev.pfgm.gateway.webhook.WebhookSender;
import dev.pfgm.shared.Text;
import dev.pfgm.shared.config.Config;
import dev.pfgm.shared.config.Settings;
import dev.pfgm.shared.data.DataLimits;
import dev.pfgm.shared.store.Database;
import dev.pfgm.shared.store.DatasetStore;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.KafkaTopics;
import dev.pfgm.shared.store.KeyStore;
import dev.pfgm.shared.store.ModelStore;
import dev.pfgm.shared.store.ObjectStore;
import dev.pfgm.shared.store.Outbox;
import dev.pfgm.shared.store.QuotaStore;
import dev.pfgm.shared.store.ShardStore;
import dev.pfgm.shared.store.Stats;
import dev.pfgm.shared.store.WebhookStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP gateway: migrates the database, creates topics and bucket, serves the API, relays the outbox. */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final HttpServer server;
    private final Optional<KeyStore.NewKey> firstAdminKey;
    private final OpenResources open;

    private Gateway(HttpServer server, Optional<KeyStore.NewKey> firstAdminKey, OpenResources open) {
        this.server = server;
        this.firstAdminKey = firstAdminKey;
        this.open = open;
    }

    public static Gateway start(Config config) throws Exception {
        OpenResources open = new OpenResources();
        try {
            return start(config, open);
        } catch (Throwable t) {
            open.closeAll();
            throw t;
        }
    }

    private static Gateway start(Config config, OpenResources open) throws Exception {
        // a request waits at most 3 s for a connection, then answers 503 (Endpoint)
        Database db = Database.open(config, "gateway", 3000);
        open.add("the database pool", db::close);
        String bootstrap = config.get(Settings.KAFKA);
        KafkaTopics.ensure(bootstrap, config.getInt(Settings.TOPIC_PARTITIONS));
        ObjectStore objects = new ObjectStore(config);
        objects.ensureBucket();

        KeyStore keys = new KeyStore(db);
        Optional<KeyStore.NewKey> first = bootstrapAdminKey(config, keys);

        Metrics metrics = new Metrics();
        OutboxRelay relay = new OutboxRelay(new Outbox(db), bootstrap, metrics);
        relay.start();
        open.add("the outbox relay", relay::close);
        Admin admin = Admin.create(KafkaTopics.props(bootstrap));
        open.add("the Kafka admin client", () -> admin.close(java.time.Duration.ofSeconds(5)));

        // blocking handlers each hold a database connection: more threads than connections only queue
        // Vert.x's own metrics (HTTP server, worker pool) go to the same registry as the gateway's
        Vertx vertx = Vertx.builder().with(new VertxOptions().setWorkerPoolSize(config.getInt(Settings.DB_POOL))
                        .setMetricsOptions(new io.vertx.micrometer.MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new io.vertx.micrometer.MicrometerMetricsFactory(metrics.registry())).build();
        open.add("Vert.x", () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        Router router = Router.router(vertx);
        ConnectionGuard guard = new ConnectionGuard(vertx, config.getInt(Settings.HTTP_MAX_CONNECTIONS),
                config.getInt(Settings.HTTP_HEADER_SECONDS));
        // HEAD is GET without the body (RFC 9110 section 9.3.2), which Vert.x Web leaves to the routes:
        // rerouted as GET, the server still sends no body, as the request it answers is a HEAD
        router.route().method(io.vertx.core.http.HttpMethod.HEAD)
                .handler(ctx -> {
                    // path and query, not uri(): an absolute-form target (http://host/path) rerouted as it is was a 500
                    String query = ctx.request().query();
                    ctx.reroute(io.vertx.core.http.HttpMethod.GET, ctx.request().path() + (query == null ? "" : "?" + query));
                });
        // Vert.x Web's body reader fails a request whose body broke off with status 200 and the decoder's
        // exception (a DecoderException gets 400, answered by the 400 handler below)
        router.route().failureHandler(ctx -> {
            if (ctx.statusCode() == 200 && ctx.failure() != null) {
                UnparsableRequest.answerBody(ctx, ctx.failure());
            } else {
                ctx.next();
            }
        });
        boolean accessLog = config.getInt(Settings.ACCESS_LOG) == 1;
        router.route().handler(ctx -> {
            long t0 = System.nanoTime();
            var connection = ctx.request().connection();
            guard.requestStarted(connection);
            ctx.addEndHandler(v -> {
                guard.requestEnded(connection);
                Route route = ctx.currentRoute();
                String path = route == null || route.getPath() == null ? "unmatched" : route.getPath();
                long nanos = System.nanoTime() - t0;
                metrics.record(ctx.request().method().name(), path, ctx.response().getStatusCode(), nanos / 1e9);
                if (accessLog) {
                    var remote = ctx.request().remoteAddress();
                    AccessLog.write(ctx.request().method().name(), ctx.request().path(), ctx.response().getStatusCode(),
                            ctx.response().bytesWritten(), nanos, remote == null ? null : remote.hostAddress());
                }
            });
            try {
                ctx.request().params(); // decoded here once: a malformed %-escape later was a 500 wherever it was read
            } catch (IllegalArgumentException e) {
                Problem.send(ctx, ApiException.badRequest("/query", "the query string is not valid percent-encoding ("
                        + Text.printable(String.valueOf(e.getMessage())) + ")"));
                return;
            }
            ApiException query = QueryCheck.problem(ctx.request().query(), ctx.request().params());
            if (query != null) {
                Problem.send(ctx, query);
                return;
            }
            ctx.next();
        });
        DatasetStore datasets = new DatasetStore(db);
        // JSON bodies are small; dataset uploads stream in through their own route, mounted first
        BodyHandler jsonBodies = BodyHandler.create(false).setBodyLimit(1024 * 1024);

        Auth auth = new Auth(keys);
        QuotaStore quotas = new QuotaStore(db, config);
        RateLimiter limiter = new RateLimiter(tenant -> quotas.get(tenant).requestsPerMinute());
        Endpoint endpoint = new Endpoint(vertx, auth, limiter);
        UploadGate uploads = new UploadGate(vertx, endpoint, config.getLong(Settings.MAX_UPLOAD_MB) << 20,
                config.getInt(Settings.MAX_UPLOADS), config.getInt(Settings.UPLOAD_PARSE_SECONDS));
        metrics.watch(guard, uploads::inFlight);
        JobStore jobs = new JobStore(db);
        FileLinks links = new FileLinks(vertx, objects, jobs, datasets, config);
        DatasetRoutes datasetRoutes = new DatasetRoutes(endpoint, datasets, objects, uploads, DataLimits.from(config),
                quotas, links);
        datasetRoutes.mountUpload(router);
        router.route().handler(BodyDeadline.of(vertx, config.getInt(Settings.HTTP_BODY_SECONDS)));
        router.route().handler(jsonBodies);
        ContractValidator contract = new ContractValidator();
        ModelStore models = new ModelStore(db);
        new OpsRoutes(endpoint, db, admin, objects, metrics, new Stats(db), contract).mount(router);
        datasetRoutes.mount(router);
        ShardStore shards = new ShardStore(db);
        new QuotaRoutes(endpoint, quotas, limiter, contract).mount(router);
        WebhookStore webhooks = new WebhookStore(db);
        boolean allowPrivate = config.getInt(Settings.WEBHOOK_ALLOW_PRIVATE) == 1;
        links.mount(router);
        new JobRoutes(endpoint, jobs, datasets, models, objects, links, relay, contract, quotas, webhooks,
                new AnalysisChecks(datasets, jobs), new JobArtifacts(shards, models),
                new JobRoutes.Rules(config.getInt(Settings.MAX_ATTEMPTS), config.getInt(Settings.PRESIGN_SECONDS),
                        config.getInt(Settings.RETENTION_DAYS), allowPrivate)).mount(router);
        new ShardRoutes(endpoint, jobs, shards).mount(router);
        new PreviewRoutes(endpoint, jobs, objects, links).mount(router);
        new ModelRoutes(endpoint, models, objects, links).mount(router);
        new WebhookRoutes(endpoint, webhooks, jobs, contract, allowPrivate).mount(router);
        new AdminRoutes(endpoint, keys, auth, contract).mount(router);
        // the dashboard: static files, after every API route, outside /v1/ (where a GET on a POST-only
        // route would otherwise reach it and be a 404 instead of a 405)
        router.getWithRegex("^(?!/v1/).*").handler(StaticHandler.create("pfgm/web").setCachingEnabled(false)
                .setIndexPage("index.html"));
        router.errorHandler(404, ctx -> Problem.send(ctx, new ApiException(404, "Not Found",
                "no resource at " + ctx.request().method() + " " + ctx.request().path())));
        router.errorHandler(405, ctx -> {
            String allow = AllowedMethods.at(router, ctx.request().path());
            Problem.send(ctx, new ApiException(405, "Method Not Allowed", ctx.request().method() + " is not allowed on "
                    + ctx.request().path() + (allow.isEmpty() ? "" : "; allowed: " + allow)).header("Allow", allow));
        });
        router.errorHandler(413, ctx -> Problem.send(ctx, new ApiException(413, "Content Too Large",
                "a JSON body may be at most 1 MiB")));
        router.errorHandler(400, ctx -> Problem.send(ctx, new ApiException(400, "Bad Request",
                "the request could not be read" + (ctx.failure() == null ? "" : ": " + ctx.failure().getMessage()))));
        router.errorHandler(500, ctx -> Problem.send(ctx, new ApiException(500, "Internal Server Error",
                "the request failed inside the service")));

        // HTTP/1.1 only: cleartext HTTP/2 adds nothing behind a proxy, and its protocol sniffing hid
        // connections from the connection guard (their close was reported as they opened)
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true)
                        .setHttp2ClearTextEnabled(false)
                        .setIdleTimeout(config.getInt(Settings.HTTP_IDLE_SECONDS)).setIdleTimeoutUnit(TimeUnit.SECONDS))
                .connectionHandler(guard::opened)
                .invalidRequestHandler(UnparsableRequest::answer)
                .requestHandler(router)
                .listen(config.getInt(Settings.HTTP_PORT), config.get(Settings.HTTP_HOST))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        open.add("the HTTP server", () -> server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        LOG.info("gateway listening on port {}", server.actualPort());
        RetentionSweeper sweeper = new RetentionSweeper(jobs, objects, config.getInt(Settings.RETENTION_DAYS))
                .start(config.getInt(Settings.RETENTION_SWEEP_SECONDS));
        open.add("the retention sweeper", sweeper::close);
        WebhookSender webhookSender = new WebhookSender(webhooks, config.getInt(Settings.WEBHOOK_RETRY_SECONDS),
                allowPrivate).start();
        open.add("the webhook sender", webhookSender::close);
        return new Gateway(server, first, open);
    }

    public int port() {
        return server.actualPort();
    }

    /** The admin key made on this start because the database had none. */
    public Optional<KeyStore.NewKey> firstAdminKey() {
        return firstAdminKey;
    }

    /**
     * Closes what the gateway opened, the last first: the webhook sender and sweeper, the HTTP server,
     * Vert.x, the Kafka admin client, the outbox relay (after the server: what was submitted until then
     * is published) and the database pool.
     */
    @Override
    public void close() {
        open.closeAll();
    }

    /**
     * The operator's admin key (PFGM_ADMIN_KEY, or the file PFGM_ADMIN_KEY_FILE names when it holds
     * one: a compose or Kubernetes secret) is made valid; without one, the first start creates a key
     * and writes it to that file. Returns the created key, if this start created one.
     */
    private static Optional<KeyStore.NewKey> bootstrapAdminKey(Config config, KeyStore keys) throws java.io.IOException {
        String supplied = config.get(Settings.ADMIN_KEY);
        String fileName = config.get(Settings.ADMIN_KEY_FILE);
        Path file = fileName.isEmpty() ? null : Path.of(fileName);
        if (supplied.isEmpty() && file != null && Files.isRegularFile(file)) {
            supplied = Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        if (!supplied.isEmpty()) {
            try {
                keys.ensureAdminKey(supplied);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((config.get(Settings.ADMIN_KEY).isEmpty() ? "PFGM_ADMIN_KEY_FILE ("
                        + file + ")" : "PFGM_ADMIN_KEY") + ": " + e.getMessage(), e);
            }
            return Optional.empty();
        }
        Optional<KeyStore.NewKey> first = keys.createFirstAdminKey();
        if (first.isPresent() && file != null) {
            dev.pfgm.shared.PrivateFile.write(file, first.get().key() + "\n");
        }
        return first;
    }
}
