package io.dr4j.storage.s3;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The effective configuration of an {@link S3BackupTarget}, without credentials (safe to log).
 *
 * @param location             bucket and prefix
 * @param region               signing region, or null for the SDK's region chain
 * @param endpoint             endpoint override for S3-compatible stores, or null for AWS
 * @param pathStyle            path-style addressing ({@code http://host/bucket/key}), needed by most compatible stores
 * @param partSize             multipart part size in bytes (≥ 5 MiB); objects up to this size go up as one PUT
 * @param concurrency          parts uploaded in parallel per writer; memory per writer ≤ partSize × concurrency
 * @param encryption           server-side encryption
 * @param kmsKeyId             KMS key for {@link Encryption#SSE_KMS}, or null for the bucket's/AWS managed key
 * @param objectLockMode       Object Lock mode applied to every object, or null (then only
 *                             {@code WriteOptions.retainUntil} locks, in GOVERNANCE mode)
 * @param objectLockRetention  retention applied when {@code objectLockMode} is set and a write has no retainUntil
 * @param checksumWhenRequired send request checksums only when the operation requires them (S3-compatible stores
 *                             that reject the SDK's default CRC32 trailers need this)
 * @param conditionalWrites    how create-only writes use {@code If-None-Match: *}
 * @param maxAttempts          attempts per request (first try included) for 5xx, throttling and timeouts
 * @param connectTimeout       TCP connect timeout
 * @param socketTimeout        read timeout on an open connection
 */
public record S3Settings(S3Location location, @Nullable String region, @Nullable URI endpoint, boolean pathStyle,
                         long partSize, int concurrency, Encryption encryption, @Nullable String kmsKeyId,
                         @Nullable LockMode objectLockMode, @Nullable Duration objectLockRetention,
                         boolean checksumWhenRequired, ConditionalWrites conditionalWrites, int maxAttempts,
                         Duration connectTimeout, Duration socketTimeout) {

    /** The smallest part S3 accepts (except the last). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** S3's largest part. */
    public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;

    /** Server-side encryption of stored objects. */
    public enum Encryption {
        /** The bucket's default encryption applies. */
        NONE,
        /** SSE-S3 ({@code AES256}). */
        SSE_S3,
        /** SSE-KMS ({@code aws:kms}) with {@code kmsKeyId} or the AWS managed key. */
        SSE_KMS
    }

    /** S3 Object Lock modes. */
    public enum LockMode {
        /** Users with {@code s3:BypassGovernanceRetention} can still delete. */
        GOVERNANCE,
        /** Nobody, not even the root account, can delete before the retain-until date. */
        COMPLIANCE
    }

    /** Use of {@code If-None-Match: *} for create-only writes. */
    public enum ConditionalWrites {
        /** Send it; when the store answers 501, fall back to check-then-write and stop claiming CONDITIONAL_CREATE. */
        AUTO,
        /** Send it; when the store does not support it, fail. */
        REQUIRED,
        /** Never send it (stores that ignore or choke on it); create-only is check-then-write. */
        OFF
    }

    /** Where requests go, for messages: the endpoint or the AWS region (never credentials). */
    public String endpointDescription() {
        if (endpoint != null) {
            return endpoint + (region == null ? "" : " (region " + region + ")");
        }
        return "AWS S3" + (region == null ? "" : " region " + region);
    }
}
