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

    public ObjectStore(Config config) {
        this.client = MinioClient.builder().endpoint(config.get(Settings.S3_ENDPOINT))
                .credentials(config.get(Settings.S3_ACCESS_KEY), config.get(Settings.S3_SECRET_KEY))
                .region(config.get(Settings.S3_REGION)).build();
        this.bucket = config.get(Settings.S3_BUCKET);
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

    private static <T> T call(StoreCall<T> c) {
        try {
            return c.run();
        } catch (IOException e) {
            throw new ObjectStoreException(e.getMessage(), e);
        } catch (Exception e) {
            throw new ObjectStoreException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T run() throws Exception;
    }

    /** An object storage failure. */
    public static final class ObjectStoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ObjectStoreException(String message, Throwable cause) {
            super("object storage: " + message, cause);
        }
    }
}
