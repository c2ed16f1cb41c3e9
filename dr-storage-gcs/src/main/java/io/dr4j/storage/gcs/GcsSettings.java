package io.dr4j.storage.gcs;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The effective configuration of a {@link GcsBackupTarget}, without credentials (safe to log).
 *
 * @param location       bucket and prefix
 * @param projectId      project for billing/quota, or null for the credentials' project
 * @param endpoint       endpoint override (an emulator such as fake-gcs-server), or null for Google
 * @param chunkSize      resumable upload chunk size (a multiple of 256 KiB); objects up to this size go up in
 *                       one request; memory per writer is one chunk
 * @param kmsKeyName     Cloud KMS key (CMEK) for new objects, or null for the bucket default / Google-managed keys
 * @param retentionMode  object retention mode applied to every object, or null (then only
 *                       {@code WriteOptions.retainUntil} sets retention, in UNLOCKED mode)
 * @param retention      retention applied when {@code retentionMode} is set and a write has no retainUntil
 * @param eventBasedHold put an event-based hold on every new object
 * @param maxAttempts    attempts per request (first try included) for 5xx, 429 and network errors
 */
public record GcsSettings(GcsLocation location, @Nullable String projectId, @Nullable URI endpoint, int chunkSize,
                          @Nullable String kmsKeyName, @Nullable RetentionMode retentionMode,
                          @Nullable Duration retention, boolean eventBasedHold, int maxAttempts) {

    /** GCS object retention modes. */
    public enum RetentionMode {
        /** Retention can be shortened or removed by users with {@code storage.objects.overrideUnlockedRetention}. */
        UNLOCKED,
        /** Retention can only be extended; the object cannot be deleted before retain-until. */
        LOCKED
    }

    /** Where requests go, for messages. */
    public String endpointDescription() {
        return endpoint != null ? endpoint.toString() : "Google Cloud Storage";
    }
}
