package dev.pfgm.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The job API from Java: upload a dataset, submit a job, wait for it, download its files, cancel it,
 * list and delete jobs.
 * Every call is retried on 429 and 503 after the Retry-After the service names (seconds or a date),
 * on a connection that could not be made, and on a lost connection for calls that are safe to
 * repeat (not an upload: a second one would store the dataset twice); a submission carries an
 * Idempotency-Key (one is made when none is given), so a retried submission never makes a second
 * job. Any other 4xx/5xx is a {@link ApiError} with the problem's detail. Redirects are not
 * followed with the API key: a download the service redirects to a presigned URL fetches that URL
 * without it.
 */
public final class PfgmClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The service's largest pages (GET /v1/jobs, and the datasets' and models' lists): a larger limit is a 400. */
    private static final int MAX_JOBS_PAGE = 200;
    private static final int MAX_LIST_PAGE = 1000;
    private final String base;
    private final String key;
    private final HttpClient http;
    private final int attempts;
    private final Duration stall;

    /** A problem answer of the API (RFC 9457): its status, title, detail and raw body. */
    public static final class ApiError extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final transient JsonNode problem;

        ApiError(int status, JsonNode problem, String body) {
            super(status + " " + (problem == null ? body : problem.path("title").asText("")
                    + (problem.hasNonNull("detail") ? ": " + problem.get("detail").asText() : "")
                    + (problem.path("errors").isArray() && problem.path("errors").size() > 0
                            ? " (" + problem.path("errors").get(0).path("pointer").asText() + ": "
                                    + problem.path("errors").get(0).path("message").asText() + ")" : "")));
            this.status = status;
            this.problem = problem;
        }

        public int status() {
            return status;
        }

        public JsonNode problem() {
            return problem;
        }
    }

    /** Bytes of an error response's body read into its {@link ApiError}; the rest is not read. */
    static final int MAX_ERROR_BODY = 64 * 1024;

    public PfgmClient(String baseUrl, String apiKey) {
        this(baseUrl, apiKey, 6);
    }

    /** {@code attempts}: how many times a call is tried in all before its error is thrown. */
    public PfgmClient(String baseUrl, String apiKey, int attempts) {
        this(baseUrl, apiKey, attempts, Duration.ofSeconds(60));
    }

    /** {@code stall}: how long an answer's body may send nothing before the call gives up on it. */
    PfgmClient(String baseUrl, String apiKey, int attempts, Duration stall) {
        checkUrl(baseUrl);
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        if (apiKey == null || apiKey.isEmpty() || !apiKey.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            // not echoed: the message may reach a log
            throw new IllegalArgumentException("the API key must be printable ASCII without spaces");
        }
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.key = apiKey;
        this.attempts = attempts;
        this.stall = stall;
        // NEVER: a followed redirect carried the Authorization header to whatever host it named
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Uploads a dataset file; format npy, csv, idx or png-zip (from the extension when null). */
    public JsonNode upload(Path file, String name, String format) throws IOException, InterruptedException {
        String f = format != null ? format : formatOf(file);
        String path = "/v1/datasets?name=" + enc(name) + "&format=" + enc(f);
        // made once, before any attempt: a missing file is a FileNotFoundException, not "cannot reach"
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofFile(file);
        return json(send(() -> request(path).header("Content-Type", "application/octet-stream").POST(body), false));
    }

    static String formatOf(Path file) {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".npy")) {
            return "npy";
        }
        if (n.endsWith(".csv")) {
            return "csv";
        }
        if (n.endsWith(".zip")) {
            return "png-zip";
        }
        if (n.contains("-ubyte")) {
            return "idx";
        }
        throw new IllegalArgumentException(file + ": cannot tell its format from its name; say npy, csv, idx or png-zip");
    }

    /** Submits a job (the API's JSON body); retried safely under one Idempotency-Key. */
    public JsonNode submit(JsonNode job, String idempotencyKey) throws IOException, InterruptedException {
        String idem = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
        String body = JSON.writeValueAsString(job);
        return json(send(() -> request("/v1/jobs").header("Content-Type", "application/json")
                .header("Idempotency-Key", idem).POST(HttpRequest.BodyPublishers.ofString(body)), true));
    }

    public JsonNode job(String id) throws IOException, InterruptedException {
        return json(send(() -> request("/v1/jobs/" + enc(id)).GET(), true));
    }

    public JsonNode cancel(String id) throws IOException, InterruptedException {
        return json(send(() -> request("/v1/jobs/" + enc(id) + "/cancel").POST(HttpRequest.BodyPublishers.noBody()),
                true));
    }

    /** The first page of a job's files (at most 1,000; {@code next} names the rest). */
    public JsonNode artifacts(String id) throws IOException, InterruptedException {
        return json(send(() -> request("/v1/jobs/" + enc(id) + "/artifacts").GET(), true));
    }

    /** Every file the job lists, following {@code next} page by page (a large synthesis has many parts). */
    public List<JsonNode> allArtifacts(String id) throws IOException, InterruptedException {
        List<JsonNode> files = new ArrayList<>();
        eachArtifact(id, f -> {
            files.add(f);
            return true;
        });
        return files;
    }

    /**
     * Hands the job's listed files to {@code more} in order, page by page, until it returns false
     * (then no further page is fetched: one file of a million-part synthesis is found on its page).
     */
    public void eachArtifact(String id, java.util.function.Predicate<JsonNode> more) throws IOException,
            InterruptedException {
        String prefix = "/v1/jobs/" + enc(id) + "/artifacts";
        eachListed(prefix, prefix, "files", "job " + id + "'s files", more);
    }

    /** The first page of the tenant's jobs that {@code filter} lets through, newest first ({@code next} names the rest). */
    public JsonNode jobs(JobFilter filter) throws IOException, InterruptedException {
        String path = jobsPath(filter, 0);
        return json(send(() -> request(path).GET(), true));
    }

    /**
     * Hands the tenant's jobs that {@code filter} lets through to {@code more}, newest first, page by
     * page, until it returns false or the list ends.
     */
    public void eachJob(JobFilter filter, java.util.function.Predicate<JsonNode> more) throws IOException,
            InterruptedException {
        eachJob(filter, 0, more);
    }

    /**
     * The same, {@code pageSize} jobs a request (at most the service's 200; 0: its default of 50): a
     * caller that wants N jobs asks for pages of N.
     */
    public void eachJob(JobFilter filter, int pageSize, java.util.function.Predicate<JsonNode> more)
            throws IOException, InterruptedException {
        eachListed(jobsPath(filter, pageSize), "/v1/jobs", "data", "the jobs", more);
    }

    private static String jobsPath(JobFilter filter, int pageSize) {
        String q = pageQuery(filter.query(), pageSize, MAX_JOBS_PAGE);
        return q.isEmpty() ? "/v1/jobs" : "/v1/jobs?" + q;
    }

    /** Hands the tenant's datasets to {@code more}, newest first, {@code pageSize} a request (0: 100; at most 1,000). */
    public void eachDataset(int pageSize, java.util.function.Predicate<JsonNode> more) throws IOException,
            InterruptedException {
        eachListed(listPath("/v1/datasets", pageSize), "/v1/datasets", "data", "the datasets", more);
    }

    /** Hands the tenant's models to {@code more}, newest first, {@code pageSize} a request (0: 100; at most 1,000). */
    public void eachModel(int pageSize, java.util.function.Predicate<JsonNode> more) throws IOException,
            InterruptedException {
        eachListed(listPath("/v1/models", pageSize), "/v1/models", "data", "the models", more);
    }

    private static String listPath(String base, int pageSize) {
        String q = pageQuery("", pageSize, MAX_LIST_PAGE);
        return q.isEmpty() ? base : base + "?" + q;
    }

    /** {@code query} with {@code limit=} added for a page size above 0, held to {@code max}. */
    private static String pageQuery(String query, int pageSize, int max) {
        if (pageSize <= 0) {
            return query;
        }
        String limit = "limit=" + Math.min(pageSize, max);
        return query.isEmpty() ? limit : query + "&" + limit;
    }

    /** Deletes a finished job with its events and files (the service refuses a queued or running one: 409). */
    public void delete(String id) throws IOException, InterruptedException {
        send(() -> request("/v1/jobs/" + enc(id)).DELETE(), true).body().close();
    }

    /** Deletes a dataset with its file (the service refuses while a queued or running job uses it: 409). */
    public void deleteDataset(String id) throws IOException, InterruptedException {
        send(() -> request("/v1/datasets/" + enc(id)).DELETE(), true).body().close();
    }

    /** Deletes a model with its file (the service refuses while a queued or running job uses it: 409). */
    public void deleteModel(String id) throws IOException, InterruptedException {
        send(() -> request("/v1/models/" + enc(id)).DELETE(), true).body().close();
    }

    /**
     * Walks a paged listing from {@code first}: each entry of the page's {@code field} array goes to
     * {@code more} until it returns false, then the page's {@code next}, which must stay under
     * {@code prefix} (a next that points elsewhere, or a page that adds nothing, would not end).
     */
    private void eachListed(String first, String prefix, String field, String what,
            java.util.function.Predicate<JsonNode> more) throws IOException, InterruptedException {
        String page = first;
        while (page != null) {
            String path = page;
            JsonNode body = json(send(() -> request(path).GET(), true));
            for (JsonNode entry : body.path(field)) {
                if (!more.test(entry)) {
                    return;
                }
            }
            JsonNode next = body.path("next");
            if (!next.isTextual()) {
                break;
            }
            if (!next.asText().startsWith(prefix + "?") || body.path(field).isEmpty()) {
                throw new IOException("the service's listing of " + what + " gave a next page this will not follow");
            }
            page = next.asText();
        }
    }

    /**
     * Waits until the job ends or {@code timeout} passes (then returns it unfinished), polling with
     * If-None-Match so that an unchanged job costs the service a 304; {@code progress} sees the job
     * after each poll (the same job after a 304).
     */
    public JsonNode await(String id, Duration timeout, Consumer<JsonNode> progress) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = null;
        String etag = null;
        long delay = 200;
        while (true) {
            String tag = etag;
            HttpResponse<InputStream> r = send(() -> {
                HttpRequest.Builder b = request("/v1/jobs/" + enc(id)).GET();
                return tag == null ? b : b.header("If-None-Match", tag);
            }, true);
            if (r.statusCode() == 304 && job != null) {
                r.body().close();
            } else {
                etag = r.headers().firstValue("ETag").orElse(null);
                job = json(r);
            }
            if (progress != null) {
                progress.accept(job);
            }
            if (job.path("terminal").asBoolean() || System.nanoTime() >= deadline) {
                return job;
            }
            Thread.sleep(Math.min(delay, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            delay = Math.min(2000, delay * 3 / 2);
        }
    }

    /** Downloads one of a job's files to {@code target} (written whole, then moved into place). */
    public Path download(String id, String name, Path target) throws IOException, InterruptedException {
        return download(id, name, target, null);
    }

    /**
     * As {@link #download(String, String, Path)}, refusing the bytes unless their SHA-256 is
     * {@code sha256} (hex, as the artifact listing gives it; null: not checked): a damaged or cut
     * transfer is an error, and {@code target} is left as it was.
     */
    public Path download(String id, String name, Path target, String sha256) throws IOException, InterruptedException {
        Path folder = target.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new java.nio.file.NoSuchFileException(String.valueOf(folder), null, "no folder to download into");
        }
        HttpResponse<InputStream> r = send(() -> request("/v1/jobs/" + enc(id) + "/artifacts/" + enc(name)).GET(), true);
        if (isRedirect(r.statusCode())) {
            r = signedLink(r);
        }
        Path tmp = null;
        try (InputStream in = body(r)) {
            tmp = Files.createTempFile(folder, ".pfgm-download-", ".part");
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            try (InputStream counted = new java.security.DigestInputStream(in, digest)) {
                Files.copy(counted, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            String got = java.util.HexFormat.of().formatHex(digest.digest());
            if (sha256 != null && !sha256.equalsIgnoreCase(got)) {
                throw new IOException(name + ": the bytes received (" + Files.size(tmp) + ", sha256 " + got + ") are not"
                        + " the file the service listed (sha256 " + sha256 + "); nothing was written");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
        return target;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * The file at a redirect's Location, fetched without the API key: the service redirects a download
     * to a URL presigned for the object store (PFGM_S3_PUBLIC_ENDPOINT), which needs no key and must
     * not be given one.
     */
    private HttpResponse<InputStream> signedLink(HttpResponse<InputStream> redirect) throws IOException,
            InterruptedException {
        redirect.body().close();
        String location = redirect.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("the service answered " + redirect.statusCode() + " without a Location"));
        URI to = redirect.request().uri().resolve(location);
        if (!"http".equals(to.getScheme()) && !"https".equals(to.getScheme())) {
            throw new IOException("the service redirected the download to a " + to.getScheme() + ": URL; not followed");
        }
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(to).timeout(Duration.ofMinutes(10))
                .header("User-Agent", "pfgm-client").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() / 100 != 2) {
            String body;
            try (InputStream in = body(r)) {
                body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
            }
            throw new ApiError(r.statusCode(), null, body);
        }
        return r;
    }

    @FunctionalInterface
    private interface Builder {
        HttpRequest.Builder build() throws IOException;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + key).header("User-Agent", "pfgm-client");
    }

    /**
     * Sends, retrying 429/503 after Retry-After, connections never made, and lost connections when
     * {@code repeatable}; 2xx, 304 and redirects return.
     */
    private HttpResponse<InputStream> send(Builder b, boolean repeatable) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            HttpResponse<InputStream> r;
            try {
                r = http.send(b.build().build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                // a connection never made sent nothing: any call may be tried again
                boolean unsent = e instanceof java.net.ConnectException || e instanceof java.net.http.HttpConnectTimeoutException;
                if (!(repeatable || unsent) || attempt == attempts) {
                    // ConnectException has no message: say where, and what happened
                    throw new IOException("cannot reach " + base + " (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
                }
                last = e;
                Thread.sleep(backoff(attempt));
                continue;
            }
            int s = r.statusCode();
            if (s / 100 == 2 || s == 304 || isRedirect(s)) {
                return r; // a redirect for the caller to follow (or refuse): only a download expects one
            }
            String body;
            try (InputStream in = body(r)) {
                // the service's problem documents are small; whatever answers in its place is read no further
                body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
            }
            if ((s == 429 || s == 503) && attempt < attempts) {
                long wait = retryAfterSeconds(r.headers().firstValue("Retry-After").orElse(null), Instant.now(),
                        backoff(attempt) / 1000);
                Thread.sleep(Math.min(60, Math.max(1, wait)) * 1000);
                continue;
            }
            JsonNode problem = null;
            try {
                problem = JSON.readTree(body);
            } catch (IOException notJson) {
                // the body says it as it is
            }
            throw new ApiError(s, problem, body);
        }
        throw last;
    }

    /**
     * A Retry-After header in seconds from {@code now}: a count of seconds or an HTTP date (RFC 9110
     * allows both; a proxy in front of the service may send the date); {@code fallback} when absent
     * or neither.
     */
    static long retryAfterSeconds(String header, Instant now, long fallback) {
        if (header == null) {
            return fallback;
        }
        String v = header.trim();
        if (v.matches("\\d{1,9}")) {
            return Long.parseLong(v);
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Math.max(0, (Duration.between(now, at).toMillis() + 999) / 1000);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

    private static long backoff(int attempt) {
        return Math.min(30_000, 500L << Math.min(6, attempt - 1));
    }

    /**
     * The service's base URL: http or https with a host (and a port in range); throws
     * IllegalArgumentException saying what is wrong.
     */
    public static void checkUrl(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            throw new IllegalArgumentException("'" + url + "' is not an http(s) URL");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + url + "' names no host");
        }
        if (u.getPort() > 65535) {
            throw new IllegalArgumentException("'" + url + "' has port " + u.getPort() + " (at most 65535)");
        }
    }

    /** A successful answer's JSON is read up to this many bytes (a job, a page of a list: kilobytes). */
    static final int MAX_JSON_BODY = 16 << 20;

    private InputStream body(HttpResponse<InputStream> r) {
        return new StalledBody(r.body(), stall);
    }

    private JsonNode json(HttpResponse<InputStream> r) throws IOException {
        if (isRedirect(r.statusCode())) {
            r.body().close();
            throw new IOException("the service answered " + r.statusCode() + " (to " + r.headers().firstValue("Location")
                    .orElse("nowhere") + "), a redirect this call does not follow");
        }
        byte[] body;
        try (InputStream in = body(r)) {
            body = in.readNBytes(MAX_JSON_BODY + 1);
        }
        if (body.length > MAX_JSON_BODY) {
            throw new IOException("the service answered HTTP " + r.statusCode() + " with more than " + MAX_JSON_BODY
                    + " bytes, more than any answer of the API");
        }
        JsonNode node = body.length == 0 ? null : JSON.readTree(body);
        if (node == null || !node.isContainerNode()) {
            throw new IOException("the service answered HTTP " + r.statusCode() + " without a JSON object");
        }
        return node;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
