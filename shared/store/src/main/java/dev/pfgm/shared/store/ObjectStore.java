package dev.pfgm.shared.store;

import dev.pfgm.shared.config.Config;
import dev.pfgm.shared.config.Settings;
import io.minio.BucketExistsArgs;
import io.minio.DownloadObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.UploadObjectArgs;
import io.minio.http.Method;
import io.minio.messages.Item;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * S3-compatible object storage through the MinIO client. Keys are built by the service
 * ({@link Keys}), never taken from user input.
 */
public final class ObjectStore {
    private final MinioClient client;
    private final String bucket;
    private final DependencyWait wait;

    public ObjectStore(Config config) {
        this(config, DependencyWait.NONE);
    }

    /** {@code wait}: how calls ride out an outage (the worker waits; the gateway answers 503 at once). */
    public ObjectStore(Config config, DependencyWait wait) {
        this.wait = wait;
        this.client = MinioClient.builder().endpoint(config.get(Settings.S3_ENDPOINT))
                .credentials(config.get(Settings.S3_ACCESS_KEY), config.get(Settings.S3_SECRET_KEY))
                .region(config.get(Settings.S3_REGION)).build();
        this.bucket = config.get(Settings.S3_BUCKET);
        // connect quickly or count the store as away; reads and writes may idle a minute (large objects)
        this.client.setTimeout(5_000, 60_000, 60_000);
    }

    public String bucket() {
        return bucket;
    }

    public void ensureBucket() {
        call(() -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
            return null;
        });
    }

    public boolean reachable() {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (Exception e) {
            return false;
        }
    }

    public void put(String key, Path file, String contentType) {
        call(() -> client.uploadObject(UploadObjectArgs.builder().bucket(bucket).object(key)
                .filename(file.toString()).contentType(contentType).build()));
    }

    /** Downloads to {@code target} (replacing it). */
    public void get(String key, Path target) {
        call(() -> {
            Files.deleteIfExists(target);
            client.downloadObject(DownloadObjectArgs.builder().bucket(bucket).object(key)
                    .filename(target.toString()).build());
            return null;
        });
    }

    public void delete(String key) {
        call(() -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return null;
        });
    }

    public List<String> list(String prefix) {
        return call(() -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                    .recursive(true).build())) {
                keys.add(r.get().objectName());
            }
            return keys;
        });
    }

    /** A presigned GET URL valid for {@code seconds}; {@code filename} sets the download name. */
    public String presignedGet(String key, int seconds, String filename) {
        return call(() -> client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET)
                .bucket(bucket).object(key).expiry(seconds, TimeUnit.SECONDS)
                .extraQueryParams(java.util.Map.of("response-content-disposition",
                        "attachment; filename=\"" + filename + "\""))
                .build()));
    }

    /** Writes and deletes a small object: whether this process may store anything now. */
    public boolean writable() {
        try {
            String key = "health/" + java.util.UUID.randomUUID();
            client.putObject(io.minio.PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new java.io.ByteArrayInputStream(new byte[] {'o', 'k'}), 2, -1).build());
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Every call is idempotent (a key is written whole or not at all), so it may be repeated through an outage. */
    private <T> T call(StoreCall<T> c) {
        return wait.call("object storage", () -> once(c));
    }

    private static <T> T once(StoreCall<T> c) {
        try {
            return c.run();
        } catch (io.minio.errors.ErrorResponseException e) {
            // the server answered: a missing key, a refused request, or (5xx) a server in trouble
            int code = e.response() == null ? 0 : e.response().code();
            throw new ObjectStoreException(e.getMessage(), e, code >= 500);
        } catch (io.minio.errors.ServerException e) {
            throw new ObjectStoreException(e.getMessage(), e, true);
        } catch (IOException e) {
            // connection refused or reset, timeouts: the store is away
            throw new ObjectStoreException(e.getClass().getSimpleName() + ": " + e.getMessage(), e, true);
        } catch (Exception e) {
            throw new ObjectStoreException(e.getClass().getSimpleName() + ": " + e.getMessage(), e, false);
        }
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T run() throws Exception;
    }

    /** An object storage failure. */
    public static final class ObjectStoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean unavailable;

        public ObjectStoreException(String message, Throwable cause, boolean unavailable) {
            super("object storage: " + message, cause);
            this.unavailable = unavailable;
        }

        /** The store could not be reached or failed on its side (5xx); not a refused request. */
        public boolean unavailable() {
            return unavailable;
        }
    }
}
