package dev.pfgm.shared.config;

import java.util.List;

/** Every setting of the gateway and the workers, declared once. */
public final class Settings {
    public static final Setting DB_URL = Setting.string("PFGM_DB_URL", null,
            "JDBC URL of the PostgreSQL database, e.g. jdbc:postgresql://localhost:5432/pfgm; the gateway and"
                    + " the workers run the Flyway migrations on start");
    public static final Setting DB_USER = Setting.string("PFGM_DB_USER", "postgres", "database user");
    public static final Setting DB_PASSWORD = Setting.secret("PFGM_DB_PASSWORD", "", "database password");
    public static final Setting DB_POOL = Setting.integer("PFGM_DB_POOL", 8, 1, 256,
            "database connections per process (and the gateway's worker threads)");
    public static final Setting KAFKA = Setting.string("PFGM_KAFKA_BOOTSTRAP", null,
            "Kafka bootstrap servers, host:port[,host:port]");
    public static final Setting TOPIC_PARTITIONS = Setting.integer("PFGM_TOPIC_PARTITIONS", 8, 1, 1024,
            "partitions of each job topic when the service creates it; bounds how many workers share one type");
    public static final Setting S3_ENDPOINT = Setting.url("PFGM_S3_ENDPOINT", null,
            "S3-compatible endpoint (MinIO client), e.g. http://localhost:9000");
    public static final Setting S3_ACCESS_KEY = Setting.string("PFGM_S3_ACCESS_KEY", null, "S3 access key");
    public static final Setting S3_SECRET_KEY = Setting.secret("PFGM_S3_SECRET_KEY", null, "S3 secret key");
    public static final Setting S3_BUCKET = Setting.string("PFGM_S3_BUCKET", "pfgm",
            "bucket holding datasets/, jobs/ (created if missing)");
    public static final Setting S3_REGION = Setting.string("PFGM_S3_REGION", "us-east-1", "S3 region");
    public static final Setting S3_PUBLIC_ENDPOINT = Setting.string("PFGM_S3_PUBLIC_ENDPOINT", "",
            "the object store's URL as clients reach it. Empty: downloads stream through the gateway, so the"
                    + " store can stay on a private network and clients need only the gateway's address; set: links and"
                    + " downloads are presigned for it and the bytes bypass the gateway");
    public static final Setting HTTP_HOST = Setting.string("PFGM_HTTP_HOST", "0.0.0.0", "gateway listen address");
    public static final Setting HTTP_PORT = Setting.integer("PFGM_HTTP_PORT", 8080, 0, 65535,
            "gateway port (0 picks a free one)");
    public static final Setting HTTP_MAX_CONNECTIONS = Setting.integer("PFGM_HTTP_MAX_CONNECTIONS", 1000, 1, 1_000_000,
            "connections the gateway keeps open at once; more are closed as they arrive");
    public static final Setting HTTP_HEADER_SECONDS = Setting.integer("PFGM_HTTP_HEADER_SECONDS", 15, 1, 3600,
            "a connection must send a request's headers within this long of opening or of its last response");
    public static final Setting HTTP_BODY_SECONDS = Setting.integer("PFGM_HTTP_BODY_SECONDS", 60, 1, 3600,
            "a request's JSON body must arrive within this long of its headers (more answers 408 and closes the"
                    + " connection); uploads have their own rate rule");
    public static final Setting HTTP_IDLE_SECONDS = Setting.integer("PFGM_HTTP_IDLE_SECONDS", 60, 1, 86400,
            "a connection silent this long in the middle of a request is closed");
    public static final Setting ACCESS_LOG = Setting.integer("PFGM_ACCESS_LOG", 0, 0, 1,
            "1: the gateway logs a line per request at INFO (logger dev.pfgm.gateway.access): method, path, status,"
                    + " bytes sent, milliseconds and the client's address; never keys, query strings or the signature"
                    + " of a file link");
    public static final Setting ADMIN_KEY = Setting.secret("PFGM_ADMIN_KEY", "",
            "an admin API key of the operator's choosing (pfgm_ and 32-200 letters, digits, _ or -), made"
                    + " valid at every start unless it was revoked; no key is generated then");
    public static final Setting ADMIN_KEY_FILE = Setting.string("PFGM_ADMIN_KEY_FILE", "",
            "a file holding the admin key (a mounted secret), read as PFGM_ADMIN_KEY; missing or empty, the first"
                    + " start writes the key it creates there (empty setting: the key is only printed)");
    public static final Setting MAX_UPLOAD_MB = Setting.integer("PFGM_MAX_UPLOAD_MB", 512, 1, 65536,
            "largest dataset upload body, MiB (it streams to a temporary file: this bounds disk, not memory)");
    public static final Setting MAX_UPLOADS = Setting.integer("PFGM_MAX_UPLOADS", 4, 1, 1024,
            "dataset uploads a gateway receives and checks at once, one tenant's at most half of them (one at least);"
                    + " more answer 503 with Retry-After");
    public static final Setting MAX_DATASET_VALUES = Setting.integer("PFGM_MAX_DATASET_VALUES", 134_217_728L, 1,
            Integer.MAX_VALUE - 8L, "values (rows x columns, or images x pixels) a dataset may hold; a worker holds them"
                    + " as 8-byte numbers while it loads a table");
    public static final Setting MAX_COLUMNS = Setting.integer("PFGM_MAX_COLUMNS", 10_000, 1, 1_000_000,
            "columns a table may have");
    public static final Setting MAX_IMAGE_PIXELS = Setting.integer("PFGM_MAX_IMAGE_PIXELS", 1L << 20, 4, 1L << 28,
            "pixels (width x height) an image may have; checked from the header before it is decoded");
    public static final Setting MAX_ZIP_ENTRIES = Setting.integer("PFGM_MAX_ZIP_ENTRIES", 200_000, 1, 10_000_000,
            "files a .zip of PNGs may hold");
    public static final Setting MAX_UNPACKED_MB = Setting.integer("PFGM_MAX_UNPACKED_MB", 2048, 1, 1 << 20,
            "MiB a gzip or zip upload may unpack to");
    public static final Setting MAX_UNPACK_RATIO = Setting.integer("PFGM_MAX_UNPACK_RATIO", 100, 2, 1_000_000,
            "unpacked-to-packed size ratio beyond which (past 64 MiB unpacked) an upload counts as a compression bomb");
    public static final Setting UPLOAD_PARSE_SECONDS = Setting.integer("PFGM_UPLOAD_PARSE_SECONDS", 120, 1, 86400,
            "seconds the gateway spends checking one upload before it refuses it");
    public static final Setting QUOTA_ACTIVE_JOBS = Setting.integer("PFGM_QUOTA_ACTIVE_JOBS", 100, 1, 10_000_000,
            "default quota: a tenant's queued and running jobs at once (more submissions answer 429)");
    public static final Setting QUOTA_RUNNING_JOBS = Setting.integer("PFGM_QUOTA_RUNNING_JOBS", 4, 1, 100_000,
            "default quota: a tenant's jobs running at once (more wait in the queue)");
    public static final Setting QUOTA_STORED_MB = Setting.integer("PFGM_QUOTA_STORED_MB", 10_240, 0, 1L << 40,
            "default quota: MiB of datasets a tenant may keep (more uploads answer 413)");
    public static final Setting QUOTA_JOB_GFLOP = Setting.integer("PFGM_QUOTA_JOB_GFLOP", 100_000_000, 1, 1L << 50,
            "default quota: estimated GFLOP one job may take (count/steps/batch x network size; more answer 422)");
    public static final Setting QUOTA_JOB_SECONDS = Setting.integer("PFGM_QUOTA_JOB_SECONDS", 86_400, 1, 31_536_000,
            "default quota: wall-clock seconds from a job's start after which it fails with time_limit");
    public static final Setting QUOTA_REQUESTS_PER_MINUTE = Setting.integer("PFGM_QUOTA_REQUESTS_PER_MINUTE", 1200, 1,
            10_000_000, "default quota: API requests per minute per key (a burst of as many; more answer 429);"
                    + " admin keys are not limited");
    public static final Setting PRESIGN_SECONDS = Setting.integer("PFGM_PRESIGN_SECONDS", 300, 10, 604800,
            "lifetime of file links: listings' url and previews' grid_url (signed by the gateway, or presigned for PFGM_S3_PUBLIC_ENDPOINT)");
    public static final Setting RETENTION_DAYS = Setting.integer("PFGM_RETENTION_DAYS", 30, 0, 36_500,
            "days a finished job's files are kept (a model's file stays while the model exists); 0: for ever."
                    + " The job stays, with expires_at and files_expired_at, and its artifacts answer 410");
    public static final Setting RETENTION_SWEEP_SECONDS = Setting.integer("PFGM_RETENTION_SWEEP_SECONDS", 300, 1,
            86_400, "how often a gateway deletes the files of jobs past their retention (gateways skip rows another holds)");
    public static final Setting WEBHOOK_ALLOW_PRIVATE = Setting.integer("PFGM_WEBHOOK_ALLOW_PRIVATE", 0, 0, 1,
            "1: webhooks may call loopback and private-network addresses (refused by default: SSRF)");
    public static final Setting WEBHOOK_RETRY_SECONDS = Setting.integer("PFGM_WEBHOOK_RETRY_SECONDS", 5, 1, 3600,
            "first webhook retry after this long, each next one 6 times later (at most 10 h), 8 attempts in all");
    public static final Setting MAX_ATTEMPTS = Setting.integer("PFGM_MAX_ATTEMPTS", 3, 1, 100,
            "attempts a job gets before it fails");
    public static final Setting LEASE_SECONDS = Setting.integer("PFGM_LEASE_SECONDS", 30, 2, 3600,
            "a worker's claim on a job lasts this long unless renewed (it renews every third of it)");
    public static final Setting RETRY_BACKOFF_SECONDS = Setting.integer("PFGM_RETRY_BACKOFF_SECONDS", 2, 0, 3600,
            "delay before a retried job is offered again, doubled per attempt");
    public static final Setting DEPENDENCY_WAIT_SECONDS = Setting.integer("PFGM_DEPENDENCY_WAIT_SECONDS", 120, 0, 3600,
            "how long a worker's call to the database or object storage keeps retrying through an outage (backoff with"
                    + " jitter) before the attempt fails with dependency_unavailable");
    public static final Setting REAPER_MILLIS = Setting.integer("PFGM_REAPER_MILLIS", 1000, 50, 600000,
            "how often a worker looks for expired leases");
    public static final Setting KAFKA_SESSION_MS = Setting.integer("PFGM_KAFKA_SESSION_MS", 10000, 6000, 300000,
            "consumer session timeout: how soon a dead worker's partitions move to another");
    public static final Setting HANDOFF_SECONDS = Setting.integer("PFGM_WORKER_HANDOFF_SECONDS", 10, 0, 86400,
            "a worker busy this long with one job leaves the consumer group until it ends, so idle workers take over its partitions");
    public static final Setting WORKER_ID = Setting.string("PFGM_WORKER_ID", "",
            "worker name in leases (empty: host-pid-random)");
    public static final Setting WORKER_HEALTH_PORT = Setting.integer("PFGM_WORKER_HEALTH_PORT", 0, 0, 65535,
            "port of the worker's GET /healthz (200 while it takes work), /readyz (200 when its database answers"
                    + " too; JSON with worker, backend, device and the job it runs) and /metrics (Prometheus text:"
                    + " pfgm_worker_attempt_duration_seconds by job type and outcome, pfgm_worker_nfe,"
                    + " pfgm_worker_rows_per_second, the Kafka consumer's metrics with its lag, hikaricp_*, jvm_*); 0: none");
    public static final Setting WORK_DIR = Setting.string("PFGM_WORK_DIR", "",
            "scratch folder for job files (empty: the system temp folder)");

    public static final List<Setting> ALL = List.of(DB_URL, DB_USER, DB_PASSWORD, DB_POOL, KAFKA, TOPIC_PARTITIONS,
            S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET, S3_REGION, S3_PUBLIC_ENDPOINT, HTTP_HOST, HTTP_PORT, HTTP_MAX_CONNECTIONS,
            HTTP_HEADER_SECONDS, HTTP_BODY_SECONDS, HTTP_IDLE_SECONDS, ACCESS_LOG, ADMIN_KEY, ADMIN_KEY_FILE,
            MAX_UPLOAD_MB, MAX_UPLOADS, MAX_DATASET_VALUES, MAX_COLUMNS, MAX_IMAGE_PIXELS, MAX_ZIP_ENTRIES,
            MAX_UNPACKED_MB, MAX_UNPACK_RATIO, UPLOAD_PARSE_SECONDS, QUOTA_ACTIVE_JOBS, QUOTA_RUNNING_JOBS, QUOTA_STORED_MB,
            QUOTA_JOB_GFLOP, QUOTA_JOB_SECONDS, QUOTA_REQUESTS_PER_MINUTE, PRESIGN_SECONDS, RETENTION_DAYS, RETENTION_SWEEP_SECONDS, WEBHOOK_ALLOW_PRIVATE,
            WEBHOOK_RETRY_SECONDS, MAX_ATTEMPTS, LEASE_SECONDS,
            RETRY_BACKOFF_SECONDS, DEPENDENCY_WAIT_SECONDS, REAPER_MILLIS,
            KAFKA_SESSION_MS, HANDOFF_SECONDS, WORKER_ID, WORKER_HEALTH_PORT, WORK_DIR);

    private Settings() {
    }
}
