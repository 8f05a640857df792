package dev.pfgm.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.gateway.http.ApiException;
import dev.pfgm.gateway.http.ContractValidator;
import dev.pfgm.gateway.relay.OutboxRelay;
import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.StrictJson;
import dev.pfgm.shared.data.BuiltinData;
import dev.pfgm.shared.data.DataFiles;
import dev.pfgm.shared.job.JobStatus;
import dev.pfgm.shared.job.JobType;
import dev.pfgm.shared.store.DatasetStore;
import dev.pfgm.shared.store.DatasetStore.DatasetRecord;
import dev.pfgm.shared.store.JobRecord;
import dev.pfgm.shared.store.JobStore;
import dev.pfgm.shared.store.Json;
import dev.pfgm.shared.store.ModelStore;
import dev.pfgm.shared.store.ModelStore.ModelRecord;
import dev.pfgm.shared.store.ObjectStore;
import dev.pfgm.shared.store.QuotaStore;
import dev.pfgm.shared.store.WebhookStore;
import dev.pfgm.shared.synthesis.ModelFacts;
import dev.pfgm.shared.synthesis.SpecException;
import dev.pfgm.shared.synthesis.SynthesisSpec;
import dev.pfgm.shared.synthesis.WorkEstimate;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * /v1/jobs: submit, read, list, cancel, events and artifacts.
 *
 * @param rules the deployment's settings the routes apply
 */
public record JobRoutes(Endpoint endpoint, JobStore jobs, DatasetStore datasets, ModelStore models, ObjectStore objects,
        FileLinks links, OutboxRelay relay, ContractValidator contract, QuotaStore quotas, WebhookStore webhooks,
        AnalysisChecks analysis, JobArtifacts artifacts, Rules rules) {
    /**
     * Values a generate job draws into one samples.npy: 2^28 (1 GiB as float32, twice that as the
     * worker's doubles). 10,000,000 images of 16x16 passed before and failed on the worker.
     */
    static final long MAX_GENERATE_VALUES = 1L << 28;

    /**
     * @param defaultMaxAttempts a job's attempts when its request names none
     * @param presignSeconds how long a file link lasts
     * @param retentionDays how long a finished job's files are kept
     * @param allowPrivateWebhooks whether a webhook may target a private or loopback address
     */
    public record Rules(int defaultMaxAttempts, int presignSeconds, int retentionDays, boolean allowPrivateWebhooks) {
    }

    public void mount(Router r) {
        r.post("/v1/jobs").handler(ctx -> endpoint.run(ctx, caller -> submit(ctx, caller.tenant())));
        // a dry run: the submission's checks, nothing written (the dashboard checks its JSON box with it)
        r.post("/v1/jobs/validate").handler(ctx -> endpoint.run(ctx, caller -> {
            idempotencyKey(ctx.request().getHeader("Idempotency-Key")); // its form, as the submission checks it
            Checked c = check(jsonBody(ctx), caller.tenant());
            return Reply.json(200, Json.object().put("valid", true).put("type", c.type().wireName())
                    .put("estimated_gflop", c.gflop()).put("job_gflop_quota", c.quota().jobGflop()));
        }));
        r.get("/v1/jobs").handler(ctx -> endpoint.run(ctx, caller -> withEtag(ctx, list(ctx, caller.tenant()))));
        r.get("/v1/jobs/:id").handler(ctx -> endpoint.run(ctx, caller -> {
            JobRecord j = find(jobs, caller.tenant(), ctx.pathParam("id"));
            String etag = "\"" + j.version() + "\"";
            String inm = ctx.request().getHeader("If-None-Match");
            if (inm != null && ConditionalHeaders.isTagList(inm) && ConditionalHeaders.listsTag(inm, etag)) {
                return Reply.empty(304).header("ETag", etag);
            }
            return Reply.json(200, view(j)).header("ETag", etag).header("Cache-Control", "no-cache");
        }));
        r.delete("/v1/jobs/:id").handler(ctx -> endpoint.run(ctx, caller -> {
            String raw = ctx.pathParam("id");
            UUID id = Endpoint.uuid(raw, "job");
            switch (jobs.delete(caller.tenant(), id)) {
                case NOT_FOUND -> throw ApiException.notFound("job", raw);
                case NOT_FINISHED -> throw new ApiException(409, "Conflict", "job " + raw + " has not finished; cancel"
                        + " it first (POST /v1/jobs/" + raw + "/cancel)");
                case HAS_MODEL -> throw new ApiException(409, "Conflict", "job " + raw + " made a model that still"
                        + " exists; delete the model first (DELETE /v1/models/...)");
                case IN_USE -> throw new ApiException(409, "Conflict", "job " + raw + " is the classifier of a queued or"
                        + " running job; delete it once that job has ended");
                case DELETED -> {
                    // the row is gone, so nothing can reach these files any more; a failure here leaves
                    // unreachable objects, not a broken job
                    for (String key : objects.list("jobs/" + id + "/")) {
                        objects.delete(key);
                    }
                }
            }
            return Reply.empty(204);
        }));
        r.post("/v1/jobs/:id/cancel").handler(ctx -> endpoint.run(ctx, caller -> {
            String raw = ctx.pathParam("id");
            JobRecord j = jobs.cancel(caller.tenant(), Endpoint.uuid(raw, "job"))
                    .orElseThrow(() -> ApiException.notFound("job", raw));
            return Reply.json(200, view(j));
        }));
        r.get("/v1/jobs/:id/events").handler(ctx -> endpoint.run(ctx, caller -> {
            JobRecord j = find(jobs, caller.tenant(), ctx.pathParam("id"));
            long after = longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
            int limit = (int) longParam(ctx, "limit", 200, 1, 1000);
            ObjectNode body = Json.object();
            ArrayNode data = body.putArray("data");
            long last = after;
            for (JobStore.Event e : jobs.events(j.id(), after, limit)) {
                data.addObject().put("seq", e.seq()).put("kind", e.kind()).put("at", Views.time(e.at()))
                        .set("data", e.data());
                last = e.seq();
            }
            body.put("next_after", last);
            return Reply.json(200, body);
        }));
        r.get("/v1/jobs/:id/artifacts").handler(ctx -> endpoint.run(ctx, caller -> {
            JobRecord j = find(jobs, caller.tenant(), ctx.pathParam("id"));
            int limit = (int) longParam(ctx, "limit", 1000, 1, 10_000);
            JobArtifacts.Page page = artifacts.list(j, ctx.request().getParam("after"), limit);
            ObjectNode body = Json.object();
            ArrayNode files = body.putArray("files");
            String expires = Views.time(Instant.now().plusSeconds(rules.presignSeconds()).atOffset(java.time.ZoneOffset.UTC));
            for (JobArtifacts.File a : page.files()) {
                ObjectNode f = files.addObject();
                f.put("name", a.name());
                f.put("bytes", a.bytes());
                f.put("sha256", a.sha256());
                f.put("content_type", a.contentType());
                f.put("url", links.url(ctx, a.key()));
                f.put("url_expires_at", expires);
            }
            body.put("has_more", page.next() != null);
            body.put("next", page.next() == null ? null
                    : "/v1/jobs/" + j.id() + "/artifacts?limit=" + limit + "&after=" + page.next());
            return Reply.json(200, body);
        }));
        r.get("/v1/jobs/:id/artifacts/:name").handler(ctx -> endpoint.run(ctx, caller -> {
            JobRecord j = find(jobs, caller.tenant(), ctx.pathParam("id"));
            return links.download(caller.tenant(), artifacts.find(j, ctx.pathParam("name")).key());
        }));
    }

    /** A job as the API shows it, with when its files expire (finished_at + retention) or did. */
    private Views.Job view(JobRecord j) {
        return Views.job(j, rules.retentionDays());
    }

    /** The tenant's job the path names ({@code raw}, not yet parsed), or a 404 (a 400 for a malformed id). */
    static JobRecord find(JobStore jobs, String tenant, String raw) {
        return jobs.get(tenant, Endpoint.uuid(raw, "job")).orElseThrow(() -> ApiException.notFound("job", raw));
    }

    /** A request that passed every check: what its row needs, and its estimated cost against the quota. */
    private record Checked(JobType type, JsonNode params, String datasetRef, UUID modelId, int maxAttempts,
            double gflop, QuotaStore.Quotas quota, String webhook, JsonNode metadata, String name, String labelsKey) {
    }

    /**
     * Everything a submission checks before it writes: the schema of its type, ranges and text, the
     * dataset and model it names, the work estimate against the quota and the webhook target. Throws
     * the 4xx problem naming the field; changes nothing.
     */
    private Checked check(JsonObject body, String tenant) {
        JobType type = body.getValue("type") instanceof String t ? JobType.parse(t) : null;
        if (type == null) {
            contract.check("JobRequest", body); // names what is wrong with "type"
        }
        contract.check(switch (type) {
            case TRAIN -> "TrainJob";
            case GENERATE -> "GenerateJob";
            case LIKELIHOOD -> "LikelihoodJob";
            case SYNTHESIZE -> "SynthesizeJob";
            case ENCODE -> "EncodeJob";
            case DECODE -> "DecodeJob";
            case INTERPOLATE -> "InterpolateJob";
            case CLASSIFIER -> "ClassifierJob";
            case EVAL -> "EvalJob";
        }, body);
        JsonNode params = Json.MAPPER.valueToTree(body.getJsonObject("params", new JsonObject()).getMap());
        refuseOutOfRange(Json.MAPPER.valueToTree(body.getMap()), "");
        String datasetRef = null;
        UUID modelId = null;
        ModelFacts facts = null;
        if (type != JobType.GENERATE && type != JobType.SYNTHESIZE) {
            datasetRef = body.getString("dataset");
        }
        // the upload the job names, read once for every check below (null for builtin:NAME)
        DatasetRecord upload = datasetRef == null ? null : dataset(tenant, datasetRef, "/dataset");
        Integer datasetDim = datasetRef == null ? null : dim(datasetRef, upload);
        long rows = datasetRef == null ? 0 : AnalysisChecks.rows(datasetRef, upload);
        if (type == JobType.EVAL && params.has("train")) {
            dataset(tenant, params.get("train").asText(), "/params/train");
        }
        if (type == JobType.CLASSIFIER) {
            analysis.classifier(datasetRef, upload);
        }
        if (type == JobType.TRAIN) {
            facts = trainFacts(datasetRef, upload, params);
            TrainChecks.check(datasetRef, upload, params, rows, facts);
        }
        if (type != JobType.TRAIN && type != JobType.CLASSIFIER) {
            String raw = body.getString("model");
            UUID parsed = Endpoint.parseUuid(raw);
            if (parsed == null) {
                throw ApiException.invalid("/model", "'" + raw + "' is not a model id");
            }
            ModelRecord m = models.get(tenant, parsed)
                    .orElseThrow(() -> ApiException.invalid("/model", "no model with id " + raw));
            modelId = m.id();
            facts = facts(m);
            // the kind of model and data first: "eval needs an image model" says more than a dimension
            analysis.withModel(tenant, type, params, m, datasetRef, upload);
            if (datasetDim != null && datasetDim != m.dim()) {
                throw ApiException.invalid("/dataset", "dataset has " + datasetDim + " columns but model " + raw
                        + " was trained on " + m.dim());
            }
            if (type == JobType.SYNTHESIZE) {
                checkSynthesis(params, m);
                analysis.synthesisReport(tenant, params, m);
            }
            if (type == JobType.GENERATE || type == JobType.EVAL) {
                try {
                    SynthesisSpec.checkStochastic(params.path("solver").asText("rk45"), facts);
                } catch (SpecException e) {
                    throw ApiException.invalid("/params/solver", e.problem());
                }
            }
            if (type == JobType.GENERATE && params.path("format").asText("npy").equals("csv")
                    && m.metrics() != null && m.metrics().hasNonNull("shape")) {
                throw ApiException.invalid("/params/format", "model " + raw + " is an image model; its samples are"
                        + " written as .npy (a synthesize job writes png-tar)");
            }
            if (type == JobType.GENERATE && params.path("count").asLong(0) * m.dim() > MAX_GENERATE_VALUES) {
                throw ApiException.invalid("/params/count", params.path("count").asLong() + " samples of " + m.dim()
                        + " values are more than a generate job writes in one file (at most "
                        + MAX_GENERATE_VALUES / m.dim() + " for model " + raw + "); a synthesize job writes any"
                        + " number in parts");
            }
            if (type == JobType.GENERATE && (params.has("class") || params.has("guidance"))) {
                int classes = m.metrics() == null ? 0 : m.metrics().path("classes").asInt(0);
                if (classes == 0) {
                    throw ApiException.invalid(params.has("class") ? "/params/class" : "/params/guidance",
                            "model " + raw + " is not class-conditional");
                }
                if (params.path("class").asInt(0) >= classes) {
                    throw ApiException.invalid("/params/class", "must be below the model's " + classes + " classes");
                }
            }
        }
        QuotaStore.Quotas quota = quotas.get(tenant);
        if (facts == null) {
            facts = trainFacts(datasetRef, upload, params);
        }
        double gflop = WorkEstimate.gflop(type, params, facts, rows);
        if (gflop > quota.jobGflop()) {
            throw ApiException.invalid("/params", String.format(java.util.Locale.ROOT, "the job is estimated at %.3g"
                    + " GFLOP (steps, batch, count, solver tolerance and network size), more than tenant %s's job_gflop"
                    + " quota of %.3g; make it smaller", gflop, tenant, quota.jobGflop()));
        }
        String webhook = body.getString("webhook");
        if (webhook != null) {
            WebhookRoutes.checkTarget(webhook, "/webhook", rules.allowPrivateWebhooks());
        }
        JsonNode metadata = body.containsKey("metadata")
                ? Json.MAPPER.valueToTree(body.getJsonObject("metadata").getMap()) : null;
        return new Checked(type, params, datasetRef, modelId, body.getInteger("max_attempts", rules.defaultMaxAttempts()), gflop,
                quota, webhook, metadata, body.getString("name"),
                upload == null || upload.labels() == null ? null : upload.labels().key());
    }

    private Reply submit(RoutingContext ctx, String tenant) {
        JsonObject body = jsonBody(ctx);
        String idempotencyKey = idempotencyKey(ctx.request().getHeader("Idempotency-Key"));
        Checked c = check(body, tenant);
        QuotaStore.Quotas quota = c.quota();
        // only an idempotent submission needs the body's fingerprint
        String hash = idempotencyKey == null ? null
                : DataFiles.sha256(canonical(Json.MAPPER.valueToTree(body.getMap())).getBytes(StandardCharsets.UTF_8));
        if (c.webhook() != null) {
            webhooks.tenantSecret(tenant); // what its deliveries are signed with exists before any is due
        }
        JobStore.Submitted s = jobs.submit(new JobStore.NewJob(tenant, c.type(), c.params(), c.datasetRef(), c.modelId(),
                c.maxAttempts(), idempotencyKey, hash, quota.activeJobs(), c.name(), c.metadata(), c.webhook(),
                c.labelsKey()));
        if (s.missing() != null) {
            throw ApiException.invalid(s.missing(), "it was deleted as this job was submitted");
        }
        if (s.labelsChanged()) {
            throw new ApiException(409, "Conflict", "dataset " + c.datasetRef() + " was given other labels as this job"
                    + " was submitted; nothing was written: submit it again to have it checked against them",
                    List.of(new ApiException.FieldError("/dataset", "its labels changed during the submission")));
        }
        if (s.overQuota()) {
            throw new ApiException(429, "Too Many Requests", "tenant " + tenant + " has " + quota.activeJobs()
                    + " jobs queued or running, its active_jobs quota; submit more as they finish")
                    .header("Retry-After", "30");
        }
        if (s.keyReusedWithOtherBody()) {
            throw new ApiException(422, "Unprocessable Content", "Idempotency-Key '" + idempotencyKey
                    + "' was used for a different request (job " + s.job().id() + ")",
                    List.of(new ApiException.FieldError("/header/Idempotency-Key", "already used with another body")));
        }
        if (s.created()) {
            relay.nudge();
        }
        Reply reply = Reply.json(202, view(s.job())).header("Location", "/v1/jobs/" + s.job().id())
                .header("ETag", "\"" + s.job().version() + "\"");
        if (!s.created()) {
            reply.header("Idempotent-Replayed", "true");
        }
        int wait = preferredWait(ctx.request().getHeader("Prefer"));
        if (wait > 0 && s.job().status().terminal()) { // a replayed key naming a finished job
            return Reply.json(200, view(s.job())).header("Location", "/v1/jobs/" + s.job().id())
                    .header("Preference-Applied", "wait=" + wait);
        }
        if (wait > 0) {
            UUID id = s.job().id();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(wait);
            return Reply.stream(w -> awaitEnd(w, tenant, id, deadline, wait, 50, reply));
        }
        return reply;
    }

    /**
     * The Idempotency-Key header as the client wrote it: Vert.x hands header bytes over as Latin-1,
     * so a UTF-8 key is decoded again, and counted in characters, not bytes. Null when absent.
     */
    static String idempotencyKey(String header) {
        if (header == null) {
            return null;
        }
        byte[] bytes = header.getBytes(StandardCharsets.ISO_8859_1);
        if (dev.pfgm.shared.Text.notUtf8At(bytes) >= 0) {
            throw ApiException.badRequest("/header/Idempotency-Key", "is not UTF-8 text");
        }
        String key = new String(bytes, StandardCharsets.UTF_8);
        if (key.isBlank() || key.codePointCount(0, key.length()) > 200) {
            throw ApiException.badRequest("/header/Idempotency-Key", "must be 1 to 200 characters");
        }
        if (key.codePoints().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("/header/Idempotency-Key", "must not hold control characters");
        }
        return key;
    }

    /** RFC 7240: a preference's name is case-insensitive, its value a token or a quoted string. */
    private static final java.util.regex.Pattern PREFER_WAIT = java.util.regex.Pattern.compile(
            "(?:^|[,;\\s])wait\\s*=\\s*(?:(\\d+)|\"(\\d+)\")(?:$|[,;\\s])",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /** RFC 7240's wait preference in seconds, at most 60; 0 when absent (an unusable value is ignored, as the RFC says). */
    static int preferredWait(String prefer) {
        if (prefer == null) {
            return 0;
        }
        java.util.regex.Matcher m = PREFER_WAIT.matcher(prefer);
        if (!m.find()) {
            return 0;
        }
        String digits = (m.group(1) != null ? m.group(1) : m.group(2)).replaceFirst("^0+(?=\\d)", "");
        // any number of digits is a valid wait; past 60 s it is 60
        return digits.length() > 2 ? 60 : Math.min(60, Integer.parseInt(digits));
    }

    /**
     * Answers 200 with the job once it ends, or the 202 of the submission when {@code deadline}
     * passes first. Polls the row with backoff (50 ms up to 1 s) from timers: no thread waits, so
     * waiting clients cost the gateway nothing but the reads.
     */
    private void awaitEnd(RoutingContext ctx, String tenant, UUID id, long deadline, int wait, long delayMillis,
            Reply accepted) {
        if (ctx.response().closed() || ctx.response().ended()) {
            return;
        }
        ctx.vertx().executeBlocking(() -> jobs.get(tenant, id).orElse(null), false).onComplete(ar -> {
            JobRecord j = ar.succeeded() ? ar.result() : null;
            if (j != null && j.status().terminal()) {
                Endpoint.write(ctx, Reply.json(200, view(j)).header("Location", "/v1/jobs/" + id)
                        .header("ETag", "\"" + j.version() + "\"").header("Preference-Applied", "wait=" + wait));
            } else if (System.nanoTime() >= deadline) {
                Endpoint.write(ctx, accepted);
            } else {
                long next = Math.min(1000, delayMillis * 2);
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                ctx.vertx().setTimer(Math.max(1, Math.min(delayMillis, left)),
                        t -> awaitEnd(ctx, tenant, id, deadline, wait, next, accepted));
            }
        });
    }

    /**
     * What JSON Schema cannot say exactly: integers beyond 64 bits (a validator compares them as
     * doubles, so 2^64 passed a maximum of 2^63 - 1 and ran as seed 0), seeds outside 0..2^63 - 1,
     * and strings holding NUL, other control characters or half a surrogate pair.
     */
    static void refuseOutOfRange(JsonNode node, String pointer) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                // a name too (metadata keys are the caller's): PostgreSQL's jsonb refuses NUL outright
                if (dev.pfgm.shared.Text.hasUnfit(e.getKey())) {
                    throw ApiException.invalid(pointer, "a key must not contain NUL, other control characters or half a surrogate pair");
                }
                refuseOutOfRange(e.getValue(), pointer + "/" + e.getKey());
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refuseOutOfRange(node.get(i), pointer + "/" + i);
            }
        } else if (node.isTextual() && dev.pfgm.shared.Text.hasUnfit(node.asText())) {
            throw ApiException.invalid(pointer, "must not contain NUL, other control characters or half a surrogate pair");
        } else if (node.isNumber() && pointer.endsWith("/seed") && !isSeed(node)) {
            throw ApiException.invalid(pointer, "a seed is an integer from 0 to " + Long.MAX_VALUE + " (2^63 - 1),"
                    + " past 2^53 written without a point or exponent; got " + node.asText());
        } else if (node.isIntegralNumber() && !node.canConvertToLong()) {
            throw ApiException.invalid(pointer, node.asText() + " is out of range");
        }
    }

    /**
     * 0 to 2^63 - 1, compared exactly: Jackson's canConvertToLong compares a double with
     * (double) Long.MAX_VALUE, which is 2^63, so 9223372036854775808.0 passed and ran wrapped.
     */
    private static boolean isSeed(JsonNode node) {
        if (!node.canConvertToExactIntegral()) {
            return false;
        }
        java.math.BigDecimal v = exact(node);
        // written with a point or an exponent, a seed is read as a double: past 2^53 its last digits are gone
        // (9007199254740993.0 ran as ...992)
        if (node.isFloatingPointNumber() && v.abs().compareTo(java.math.BigDecimal.valueOf(1L << 53)) >= 0) {
            return false;
        }
        return v.signum() >= 0 && v.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
    }

    /**
     * A number's value exactly: a double's own binary value, where decimalValue() goes through its
     * shortest decimal form (2^60 as 1152921504606846976.0 read as ...980, past a maximum of 2^60).
     */
    static java.math.BigDecimal exact(JsonNode node) {
        return node.isDouble() || node.isFloat() ? new java.math.BigDecimal(node.doubleValue()) : node.decimalValue();
    }

    /** What the work estimate needs of a model: its row's settings, dimension, image shape and classes. */
    private static ModelFacts facts(ModelRecord m) {
        JsonNode metrics = m.metrics() == null ? Json.object() : m.metrics();
        String shape = metrics.hasNonNull("shape") ? metrics.get("shape").asText() : null;
        return ModelFacts.of(m.settings() == null ? Json.object() : m.settings(), m.dim(), shape,
                metrics.path("classes").asInt(0));
    }

    /** The network a train job will build: its requested sizes on the dataset's shape. */
    private static ModelFacts trainFacts(String ref, DatasetRecord d, JsonNode params) {
        if (ref.equals(dev.pfgm.shared.data.ImageFiles.DISCS)) {
            return ModelFacts.of(params, 256, "1x16x16", 0);
        }
        if (d == null) { // a builtin table
            return ModelFacts.of(params, Math.max(2, BuiltinData.dim(ref.substring(BuiltinData.PREFIX.length()))), null, 0);
        }
        String shape = d.image() == null ? null : d.image().channels() + "x" + d.image().height() + "x" + d.image().width();
        return ModelFacts.of(params, d.dim(), shape, d.labels() == null ? 0 : d.labels().classCounts().length);
    }

    /** The synthesis's parameters against the model (the rules the worker and the CLI apply too). */
    private static void checkSynthesis(JsonNode params, ModelRecord m) {
        JsonNode metrics = m.metrics() == null ? Json.object() : m.metrics();
        String shape = metrics.hasNonNull("shape") ? metrics.get("shape").asText() : null;
        try {
            SynthesisSpec.parse(params, ModelFacts.of(m.settings(), m.dim(), shape, metrics.path("classes").asInt(0)));
        } catch (SpecException e) {
            throw ApiException.invalid("/params/" + e.field().replace('.', '/'), e.problem());
        }
    }

    /**
     * The tenant's upload {@code ref} names, or null for a builtin set (builtin tables, and
     * builtin:discs); 422 naming {@code field} when it names neither.
     */
    private DatasetRecord dataset(String tenant, String ref, String field) {
        if (BuiltinData.isBuiltin(ref)) {
            String name = ref.substring(BuiltinData.PREFIX.length());
            if (ref.equals(dev.pfgm.shared.data.ImageFiles.DISCS) || BuiltinData.dim(name) > 0) {
                return null;
            }
            throw ApiException.invalid(field, "no builtin data set '" + name + "'; known: "
                    + String.join(", ", BuiltinData.names()) + ", discs");
        }
        UUID id = Endpoint.parseUuid(ref);
        if (id == null) {
            throw ApiException.invalid(field, "'" + ref + "' is neither a dataset id nor builtin:NAME");
        }
        return datasets.get(tenant, id).orElseThrow(() -> ApiException.invalid(field, "no dataset with id " + ref));
    }

    /** Columns of a dataset (builtin tables: their own; builtin:discs is 16x16 images). */
    private static int dim(String ref, DatasetRecord d) {
        if (d != null) {
            return d.dim();
        }
        return ref.equals(dev.pfgm.shared.data.ImageFiles.DISCS) ? 256
                : BuiltinData.dim(ref.substring(BuiltinData.PREFIX.length()));
    }

    private Reply list(RoutingContext ctx, String tenant) {
        String rawStatus = ctx.request().getParam("status");
        String rawType = ctx.request().getParam("type");
        JobStatus status = rawStatus == null ? null : JobStatus.parse(rawStatus);
        if (rawStatus != null && status == null) {
            throw ApiException.badRequest("/query/status", "must be one of queued, running, cancelling, succeeded,"
                    + " failed, cancelled; got '" + rawStatus + "'");
        }
        JobType type = rawType == null ? null : JobType.parse(rawType);
        if (rawType != null && type == null) {
            throw ApiException.badRequest("/query/type", "must be one of " + JobType.wireNames() + "; got '"
                    + rawType + "'");
        }
        int limit = (int) longParam(ctx, "limit", 50, 1, 200);
        UUID after = Paging.after(ctx, "a job");
        String name = ctx.request().getParam("name");
        // characters as the body's schema counts them (code points): a name of 200 emoji is 400 UTF-16 units
        if (name != null && (name.isEmpty() || codePoints(name) > 200 || dev.pfgm.shared.Text.hasUnfit(name))) {
            throw ApiException.badRequest("/query/name", "must be 1 to 200 characters without control characters or half a surrogate pair");
        }
        ObjectNode metadata = Json.object();
        for (var e : ctx.request().params()) {
            if (e.getKey().startsWith("metadata") && !(e.getKey().startsWith("metadata[") && e.getKey().endsWith("]"))) {
                // metadata[k=x or metadata=x listed every job, unfiltered
                throw ApiException.badRequest("/query/" + e.getKey(), "a metadata filter is metadata[KEY]=VALUE");
            }
            if (e.getKey().startsWith("metadata[")) {
                String key = e.getKey().substring(9, e.getKey().length() - 1);
                if (key.isEmpty() || codePoints(key) > 64 || codePoints(e.getValue()) > 512
                        || dev.pfgm.shared.Text.hasUnfit(key) || dev.pfgm.shared.Text.hasUnfit(e.getValue())) {
                    throw ApiException.badRequest("/query/" + e.getKey(), "a metadata key is 1 to 64 characters and its"
                            + " value at most 512, neither with control characters or half a surrogate pair");
                }
                metadata.put(key, e.getValue());
            }
        }
        JobStore.Filter filter = new JobStore.Filter(status, type, name, metadata.isEmpty() ? null : metadata);
        List<JobRecord> page = Paging.continued(jobs.list(tenant, filter, limit + 1, after), after,
                id -> jobs.get(tenant, id).isPresent(), "job");
        boolean more = page.size() > limit;
        if (more) {
            page = page.subList(0, limit);
        }
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        page.forEach(j -> data.addPOJO(view(j)));
        body.put("has_more", more);
        if (more) {
            StringBuilder next = new StringBuilder("/v1/jobs?limit=" + limit);
            if (status != null) {
                next.append("&status=").append(status.wireName());
            }
            if (type != null) {
                next.append("&type=").append(type.wireName());
            }
            if (name != null) {
                next.append("&name=").append(java.net.URLEncoder.encode(name, StandardCharsets.UTF_8));
            }
            metadata.fields().forEachRemaining(e -> next.append("&").append(java.net.URLEncoder.encode(
                    "metadata[" + e.getKey() + "]", StandardCharsets.UTF_8)).append('=').append(java.net.URLEncoder
                    .encode(e.getValue().asText(), StandardCharsets.UTF_8)));
            next.append("&after=").append(page.get(page.size() - 1).id());
            body.put("next", next.toString());
        } else {
            body.putNull("next");
        }
        return Reply.json(200, body);
    }

    private static int codePoints(String s) {
        return s.codePointCount(0, s.length());
    }

    /** A list's ETag is a digest of its body: pollers get 304 while nothing they see changed. */
    static Reply withEtag(RoutingContext ctx, Reply r) {
        String etag = "\"" + DataFiles.sha256(r.body().getBytes(StandardCharsets.UTF_8)).substring(0, 20) + "\"";
        String inm = ctx.request().getHeader("If-None-Match");
        if (inm != null && ConditionalHeaders.isTagList(inm) && ConditionalHeaders.listsTag(inm, etag)) {
            return Reply.empty(304).header("ETag", etag);
        }
        return r.header("ETag", etag).header("Cache-Control", "no-cache");
    }

    static long longParam(RoutingContext ctx, String name, long def, long min, long max) {
        String raw = ctx.request().getParam(name);
        if (raw == null) {
            return def;
        }
        try {
            long v = Long.parseLong(raw);
            if (v < min || v > max) {
                throw ApiException.badRequest("/query/" + name, "must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("/query/" + name, "must be an integer, got '" + raw + "'");
        }
    }

    static JsonObject jsonBody(RoutingContext ctx) {
        String ct = ctx.request().getHeader("Content-Type");
        String media = ct == null ? null : ct.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (media != null && !media.equals("application/json") && !media.endsWith("+json")) {
            throw new ApiException(415, "Unsupported Media Type", "send the body as application/json, not "
                    + dev.pfgm.shared.Text.printable(ct));
        }
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
            throw ApiException.badRequest("/body", "a JSON object is required");
        }
        try {
            // strict: a key given twice, a comment or text after the object is refused (a lenient read kept
            // the last of two keys: "type": "train", "type": "generate" was a generate job)
            return new JsonObject(StrictJson.map(ctx.body().buffer().getBytes(), "body"));
        } catch (InvalidInputException e) {
            throw ApiException.badRequest("/body", e.getMessage().substring("body: ".length()));
        }
    }

    /** JSON with object keys sorted, so equal requests hash equally whatever their key order. */
    static String canonical(JsonNode n) {
        if (n.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), e.getValue());
            }
            StringBuilder sb = new StringBuilder("{");
            sorted.forEach((k, v) -> sb.append(Json.MAPPER.getNodeFactory().textNode(k)).append(':')
                    .append(canonical(v)).append(','));
            if (sb.length() > 1) {
                sb.setLength(sb.length() - 1);
            }
            return sb.append('}').toString();
        }
        if (n.isArray()) {
            StringBuilder sb = new StringBuilder("[");
            n.forEach(v -> sb.append(canonical(v)).append(','));
            if (sb.length() > 1) {
                sb.setLength(sb.length() - 1);
            }
            return sb.append(']').toString();
        }
        if (n.isNumber()) { // one value, one spelling: 2, 2.0 and 2e0 are the same request (integer fields take each)
            java.math.BigDecimal v = n.decimalValue().stripTrailingZeros();
            return v.signum() == 0 ? "0" : v.toPlainString().length() <= 40 ? v.toPlainString() : v.toString();
        }
        return n.toString();
    }
}
