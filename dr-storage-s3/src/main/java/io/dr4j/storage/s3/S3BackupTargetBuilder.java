package io.dr4j.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.Secret;
import io.dr4j.core.storage.spi.RemoteTargetBuilder;

import org.jspecify.annotations.Nullable;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds an {@link S3BackupTarget}. Every setting has a {@code dr.storage.s3.*} key read by
 * {@link S3BackupTargetProvider}; defaults suit AWS S3. Credentials are held as {@link Secret}s and never shown.
 *
 * <p>The HTTP client is the SDK's Apache HttpClient 5 client (connection pool sized for the parallel part uploads);
 * the Netty async client is not used.
 */
public final class S3BackupTargetBuilder extends RemoteTargetBuilder<S3BackupTargetBuilder, S3BackupTarget> {
    private @Nullable S3Location location;
    private @Nullable String region;
    private boolean pathStyle;
    private long partSize = 16L * 1024 * 1024;
    private int concurrency = 4;
    private S3Settings.Encryption encryption = S3Settings.Encryption.NONE;
    private @Nullable String kmsKeyId;
    private S3Settings.@Nullable LockMode objectLockMode;
    private @Nullable Duration objectLockRetention;
    private boolean checksumWhenRequired;
    private S3Settings.ConditionalWrites conditionalWrites = S3Settings.ConditionalWrites.AUTO;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration socketTimeout = Duration.ofSeconds(60);
    private @Nullable String accessKeyId;
    private @Nullable Secret secretAccessKey;
    private @Nullable Secret sessionToken;
    private @Nullable String profile;
    private @Nullable AwsCredentialsProvider credentialsProvider;
    private final List<ExecutionInterceptor> interceptors = new ArrayList<>();
    private @Nullable S3Client client;

    S3BackupTargetBuilder() {
        super(S3BackupTargetProvider.NAMESPACE, "https://minio.example:9000",
                "dr.storage.s3.access-key-id and dr.storage.s3.secret-access-key");
    }

    /** {@code s3://bucket/prefix}. */
    public S3BackupTargetBuilder location(URI uri) {
        this.location = S3Location.parse(uri);
        return this;
    }

    public S3BackupTargetBuilder location(String bucket, String prefix) {
        this.location = new S3Location(bucket, prefix);
        return this;
    }

    /** Signing region, e.g. {@code eu-central-1}; default: the SDK's region chain, else {@code us-east-1}. */
    public S3BackupTargetBuilder region(@Nullable String region) {
        this.region = region;
        return this;
    }

    /** Path-style addressing; most S3-compatible stores need it. */
    public S3BackupTargetBuilder pathStyle(boolean pathStyle) {
        this.pathStyle = pathStyle;
        return this;
    }

    /** Multipart part size in bytes, 5 MiB to 5 GiB; default 16 MiB. */
    public S3BackupTargetBuilder partSize(long bytes) {
        this.partSize = bytes;
        return this;
    }

    /** Parts uploaded in parallel by one writer; default 4. */
    public S3BackupTargetBuilder concurrency(int parts) {
        this.concurrency = parts;
        return this;
    }

    public S3BackupTargetBuilder encryption(S3Settings.Encryption encryption) {
        this.encryption = Objects.requireNonNull(encryption, "encryption");
        return this;
    }

    /** KMS key id or ARN for SSE-KMS (implies {@link S3Settings.Encryption#SSE_KMS}). */
    public S3BackupTargetBuilder kmsKeyId(@Nullable String kmsKeyId) {
        this.kmsKeyId = kmsKeyId;
        if (kmsKeyId != null) {
            this.encryption = S3Settings.Encryption.SSE_KMS;
        }
        return this;
    }

    /** Locks every object in this mode for {@code retention} (unless the write sets its own retainUntil). */
    public S3BackupTargetBuilder objectLock(S3Settings.@Nullable LockMode mode, @Nullable Duration retention) {
        this.objectLockMode = mode;
        this.objectLockRetention = retention;
        return this;
    }

    /** Request checksums only when required (S3-compatible stores that reject CRC32 trailers). */
    public S3BackupTargetBuilder checksumWhenRequired(boolean whenRequired) {
        this.checksumWhenRequired = whenRequired;
        return this;
    }

    public S3BackupTargetBuilder conditionalWrites(S3Settings.ConditionalWrites mode) {
        this.conditionalWrites = Objects.requireNonNull(mode, "mode");
        return this;
    }

    public S3BackupTargetBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    public S3BackupTargetBuilder socketTimeout(Duration timeout) {
        this.socketTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** Explicit static credentials; without them the SDK's default chain is used. */
    public S3BackupTargetBuilder credentials(String accessKeyId, Secret secretAccessKey, @Nullable Secret sessionToken) {
        this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
        this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        this.sessionToken = sessionToken;
        return this;
    }

    /** A named profile of {@code ~/.aws/credentials}. */
    public S3BackupTargetBuilder profile(@Nullable String profile) {
        this.profile = profile;
        return this;
    }

    /** Any SDK credentials provider (STS, SSO, IMDS ...). */
    public S3BackupTargetBuilder credentialsProvider(AwsCredentialsProvider provider) {
        this.credentialsProvider = Objects.requireNonNull(provider, "provider");
        return this;
    }

    /** An SDK interceptor, e.g. to add headers or observe requests. */
    public S3BackupTargetBuilder addInterceptor(ExecutionInterceptor interceptor) {
        interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
        return this;
    }

    /**
     * Uses this client instead of building one (the target does not close it); client-level settings of this
     * builder (region, endpoint, credentials, retries, checksums, interceptors) are then ignored.
     */
    public S3BackupTargetBuilder client(S3Client client) {
        this.client = Objects.requireNonNull(client, "client");
        return this;
    }

    @Override
    protected S3BackupTarget open() {
        S3Settings settings = new S3Settings(Objects.requireNonNull(location), region, endpoint(), pathStyle, partSize,
                concurrency, encryption, kmsKeyId, objectLockMode, objectLockRetention, checksumWhenRequired,
                conditionalWrites, maxAttempts(), connectTimeout, socketTimeout);
        return client != null ? new S3BackupTarget(settings, client, false)
                : new S3BackupTarget(settings, buildClient(settings), true);
    }

    @Override
    protected void verify(S3BackupTarget target) {
        target.verify();
    }

    @Override
    protected void addProblems(List<String> problems) {
        if (location == null) {
            problems.add("dr.storage.s3: the location s3://<bucket>/<prefix> is required");
        }
        if (partSize < S3Settings.MIN_PART_SIZE || partSize > S3Settings.MAX_PART_SIZE) {
            problems.add("dr.storage.s3.part-size must be between 5 MiB and 5 GiB, was " + partSize + " bytes");
        }
        if (concurrency < 1 || concurrency > 64) {
            problems.add("dr.storage.s3.concurrency must be between 1 and 64, was " + concurrency);
        }
        if (kmsKeyId != null && encryption != S3Settings.Encryption.SSE_KMS) {
            problems.add("dr.storage.s3.kms-key-id is set but dr.storage.s3.sse is " + encryption + "; use sse=aws:kms");
        }
        checkRetention(problems, "dr.storage.s3.object-lock.mode", objectLockMode, "dr.storage.s3.object-lock.retention",
                objectLockRetention, "GOVERNANCE or COMPLIANCE");
    }

    private S3Client buildClient(S3Settings s) {
        RetryStrategy retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(s.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(200), Duration.ofSeconds(20)))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofSeconds(1), Duration.ofSeconds(20)))
                .circuitBreakerEnabled(false)
                .build();
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(Math.max(50, s.concurrency() * 4))
                        .connectionTimeout(s.connectTimeout())
                        .socketTimeout(s.socketTimeout())
                        .tcpKeepAlive(true))
                .forcePathStyle(s.pathStyle())
                .credentialsProvider(credentials())
                .requestChecksumCalculation(s.checksumWhenRequired() ? RequestChecksumCalculation.WHEN_REQUIRED
                        : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(s.checksumWhenRequired() ? ResponseChecksumValidation.WHEN_REQUIRED
                        : ResponseChecksumValidation.WHEN_SUPPORTED)
                .overrideConfiguration(o -> {
                    o.retryStrategy(retry);
                    interceptors.forEach(o::addExecutionInterceptor);
                });
        if (s.region() != null) {
            b.region(Region.of(s.region()));
        } else if (s.endpoint() != null) {
            b.region(Region.US_EAST_1); // compatible stores mostly ignore the region but the signer needs one
        }
        if (s.endpoint() != null) {
            b.endpointOverride(s.endpoint());
        }
        try {
            return b.build();
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new ConfigurationException("Cannot create the S3 client for " + s.location() + ": " + e.getMessage()
                    + ". Set dr.storage.s3.region (or AWS_REGION)", e);
        }
    }

    private AwsCredentialsProvider credentials() {
        if (credentialsProvider != null) {
            return credentialsProvider;
        }
        if (accessKeyId != null && secretAccessKey != null) {
            String id = accessKeyId;
            Secret secret = secretAccessKey;
            Secret token = sessionToken;
            // resolved at request time so the secret lives in the Secret until used
            return () -> token == null ? AwsBasicCredentials.create(id, secret.reveal())
                    : AwsSessionCredentials.create(id, secret.reveal(), token.reveal());
        }
        if (profile != null) {
            return ProfileCredentialsProvider.create(profile);
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public String toString() {
        return "S3BackupTargetBuilder[" + location + ", endpoint=" + (endpoint() == null ? null : io.dr4j.core.storage.BackupTargets.redact(endpoint()))
                + ", region=" + region
                + ", credentials=" + (accessKeyId != null ? "static ********" : profile != null ? "profile " + profile
                : "default chain") + "]";
    }
}
