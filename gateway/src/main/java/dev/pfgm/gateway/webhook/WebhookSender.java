package dev.pfgm.gateway.webhook;

import dev.pfgm.shared.store.WebhookStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due webhook deliveries, signed as Standard Webhooks specifies (webhook-id, webhook-timestamp,
 * webhook-signature: "v1," + base64 HMAC-SHA256 of "id.timestamp.body" under the endpoint's secret).
 * A 2xx answer within 15 s delivers (its status line and headers: the body is not read); anything
 * else is tried again after base x 6^(attempt - 1) seconds (5 s, 30 s, 3 min, 18 min, 1.8 h, then
 * every 10 h by default), 8 attempts in all.
 */
public final class WebhookSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    public static final int MAX_ATTEMPTS = 8;
    /** Deliveries in flight at once. */
    private static final int SENDERS = 8;
    /**
     * A tenant's deliveries in flight at once (see {@link WebhookStore#claimDue}): half the senders,
     * so that one tenant's endpoints that never answer leave the other half to the other tenants,
     * and a tenant alone keeps the 4 connections a gateway always gave it.
     */
    private static final int PER_TENANT = 4;
    private final WebhookStore store;
    private final long baseSeconds;
    private final boolean allowPrivate;
    /** HTTP/1.1: HTTP/2's cleartext upgrade headers are noise to a receiver, and nothing here needs it. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    /**
     * Ends the exchange at the answer's headers. The request's 15 s bound the wait for the headers
     * only: a receiver that streamed a body at a byte a second (or without end) held a sender as long
     * as it liked, was sent the same delivery again when the claim ran out, and filled the heap.
     */
    private static final HttpResponse.BodyHandler<Void> STATUS_ONLY = info -> new HttpResponse.BodySubscriber<>() {
        @Override
        public CompletionStage<Void> getBody() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel(); // closes the connection
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }
    };
    private final ExecutorService senders = Executors.newFixedThreadPool(SENDERS, r -> daemon(r, "pfgm-webhook-send"));
    private final Semaphore free = new Semaphore(SENDERS);
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    /** Released as each delivery ends: its tenant's next one may be claimed at once. */
    private final Semaphore ended = new Semaphore(0);
    private final Thread loop;
    private volatile boolean running = true;

    public WebhookSender(WebhookStore store, long baseSeconds, boolean allowPrivate) {
        this.store = store;
        this.baseSeconds = baseSeconds;
        this.allowPrivate = allowPrivate;
        this.loop = daemon(this::run, "pfgm-webhooks");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public WebhookSender start() {
        loop.start();
        return this;
    }

    /**
     * Claims work whenever a sender is free, instead of a batch at a time: a batch waited for its
     * slowest delivery (15 s for an endpoint that never answers) before the next claim.
     */
    private void run() {
        while (running) {
            try {
                if (!free.tryAcquire(500, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                int slots = 1 + free.drainPermits();
                List<WebhookStore.Due> due = List.of();
                try {
                    due = store.claimDue(slots, 60, PER_TENANT, Map.copyOf(inFlight));
                } finally {
                    free.release(slots - due.size());
                }
                for (WebhookStore.Due d : due) {
                    inFlight.merge(d.tenant(), 1, Integer::sum);
                    senders.execute(() -> {
                        try {
                            send(d);
                        } finally {
                            inFlight.computeIfPresent(d.tenant(), (t, n) -> n == 1 ? null : n - 1);
                            free.release();
                            ended.release();
                        }
                    });
                }
                if (due.isEmpty()) {
                    ended.tryAcquire(500, TimeUnit.MILLISECONDS);
                    ended.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("webhooks: {}", e.getMessage());
                    sleepQuietly();
                }
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(WebhookStore.Due d) {
        Integer status = null;
        String error = null;
        try {
            String refused = WebhookTargets.problem(d.url(), allowPrivate); // checked again: DNS may have changed
            if (refused != null) {
                error = "not sent: the URL " + refused;
            } else {
                long ts = System.currentTimeMillis() / 1000;
                String id = "msg_" + d.id();
                HttpRequest req = HttpRequest.newBuilder(URI.create(d.url())).timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json").header("User-Agent", "pfgm-webhooks")
                        .header("webhook-id", id).header("webhook-timestamp", Long.toString(ts))
                        .header("webhook-signature", "v1," + sign(d.secret(), id, ts, d.payload()))
                        .POST(HttpRequest.BodyPublishers.ofString(d.payload(), StandardCharsets.UTF_8)).build();
                status = http.send(req, STATUS_ONLY).statusCode();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        boolean delivered = status != null && status / 100 == 2;
        int attempt = d.attempts() + 1;
        long retry = delivered ? 0 : attempt >= MAX_ATTEMPTS ? -1 : delay(attempt);
        try {
            store.attempted(d.id(), d.attempts(), status,
                    error == null ? null : error.substring(0, Math.min(500, error.length())), delivered, retry);
        } catch (RuntimeException e) {
            LOG.warn("webhooks: recording delivery {}: {}", d.id(), e.getMessage()); // sent again after its lease
        }
    }

    /** Seconds before attempt {@code attempt + 1}: base x 6^(attempt - 1), at most 10 hours. */
    long delay(int attempt) {
        double d = baseSeconds * Math.pow(6, attempt - 1);
        return (long) Math.min(36_000, d);
    }

    /** Standard Webhooks' v1 signature: base64 HMAC-SHA256 over "id.timestamp.body" with the secret's bytes. */
    static String sign(String secret, String id, long timestamp, String body) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        senders.shutdownNow();
        try {
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
