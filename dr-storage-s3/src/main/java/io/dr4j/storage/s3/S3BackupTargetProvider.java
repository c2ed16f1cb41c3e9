package io.dr4j.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.spi.BackupTargetProvider;
import io.dr4j.core.storage.spi.ProviderSettings;

/**
 * Opens {@code s3://bucket/prefix} locations as {@link S3BackupTarget}s, configured from {@code dr.storage.s3.*}
 * (environment: {@code DR_STORAGE_S3_*}):
 *
 * <pre>
 * region               signing region (default: AWS chain, us-east-1 with an endpoint)
 * endpoint             http(s) URL of an S3-compatible store
 * path-style           true for most compatible stores (MinIO, Ceph RGW)
 * access-key-id        explicit credentials (else profile, else the AWS default chain)
 * secret-access-key    (secret)
 * session-token        (secret, optional)
 * profile              a profile of ~/.aws/credentials
 * part-size            multipart part size, e.g. 16MiB (5MiB..5GiB)
 * concurrency          parallel part uploads per writer (memory: part-size x concurrency)
 * sse                  none | aes256 | aws:kms
 * kms-key-id           KMS key id/ARN for aws:kms
 * object-lock.mode     governance | compliance
 * object-lock.retention  e.g. 35d
 * checksum             when_supported (default) | when_required (S3-compatible stores)
 * conditional-writes   auto (default) | required | off
 * max-attempts         attempts per request for 5xx/throttling/timeouts (default 6)
 * connect-timeout, socket-timeout   e.g. 10s, 60s
 * verify-on-open       check bucket (and Object Lock) when opening (default true)
 * </pre>
 */
public final class S3BackupTargetProvider implements BackupTargetProvider {
    /** The configuration namespace. */
    public static final String NAMESPACE = "dr.storage.s3";

    @Override
    public String id() {
        return "s3";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("s3");
    }

    @Override
    public String artifact() {
        return "io.dr4j:dr-storage-s3";
    }

    @Override
    public BackupTarget create(URI location, ProviderConfig config) {
        return configure(S3BackupTarget.builder().location(location), config).build();
    }

    /** Applies the {@code dr.storage.s3.*} settings of {@code config} (root or already scoped) to a builder. */
    public static S3BackupTargetBuilder configure(S3BackupTargetBuilder b, ProviderConfig config) {
        ProviderSettings s = ProviderSettings.of(config, NAMESPACE);
        ProviderConfig c = s.config();
        s.apply(() -> {
            c.get("region").ifPresent(b::region);
            c.get("endpoint").ifPresent(e -> b.endpoint(s.url("endpoint", e, "https://minio.example:9000")));
            b.pathStyle(c.getBoolean("path-style", false));
        });
        s.apply(() -> c.get("part-size").ifPresent(v -> b.partSize(s.size("part-size", v))));
        s.apply(() -> b.concurrency(c.getInt("concurrency", 4)));
        s.apply(() -> b.maxAttempts(c.getInt("max-attempts", 6)));
        s.apply(() -> b.connectTimeout(c.getDuration("connect-timeout", Duration.ofSeconds(10))));
        s.apply(() -> b.socketTimeout(c.getDuration("socket-timeout", Duration.ofSeconds(60))));
        s.apply(() -> b.verifyOnOpen(c.getBoolean("verify-on-open", true)));
        s.apply(() -> c.get("sse").ifPresent(v -> b.encryption(switch (v.toLowerCase(Locale.ROOT)) {
            case "none", "off" -> S3Settings.Encryption.NONE;
            case "aes256", "sse-s3", "s3" -> S3Settings.Encryption.SSE_S3;
            case "aws:kms", "kms", "sse-kms" -> S3Settings.Encryption.SSE_KMS;
            default -> throw new ConfigurationException(NAMESPACE + ".sse must be none, aes256 or aws:kms, was '" + v + "'");
        })));
        s.apply(() -> c.get("kms-key-id").ifPresent(b::kmsKeyId));
        s.apply(() -> {
            S3Settings.LockMode mode = c.get("object-lock.mode").map(v -> switch (v.toLowerCase(Locale.ROOT)) {
                case "governance" -> S3Settings.LockMode.GOVERNANCE;
                case "compliance" -> S3Settings.LockMode.COMPLIANCE;
                default -> throw new ConfigurationException(NAMESPACE
                        + ".object-lock.mode must be governance or compliance, was '" + v + "'");
            }).orElse(null);
            Duration retention = c.get("object-lock.retention").isPresent()
                    ? c.getDuration("object-lock.retention", Duration.ZERO) : null;
            b.objectLock(mode, retention);
        });
        s.apply(() -> c.get("checksum").ifPresent(v -> b.checksumWhenRequired(switch (v.toLowerCase(Locale.ROOT)) {
            case "when_required", "when-required" -> true;
            case "when_supported", "when-supported" -> false;
            default -> throw new ConfigurationException(NAMESPACE
                    + ".checksum must be when_supported or when_required, was '" + v + "'");
        })));
        s.apply(() -> c.get("conditional-writes").ifPresent(v -> b.conditionalWrites(switch (v.toLowerCase(Locale.ROOT)) {
            case "auto" -> S3Settings.ConditionalWrites.AUTO;
            case "required" -> S3Settings.ConditionalWrites.REQUIRED;
            case "off" -> S3Settings.ConditionalWrites.OFF;
            default -> throw new ConfigurationException(NAMESPACE
                    + ".conditional-writes must be auto, required or off, was '" + v + "'");
        })));
        s.apply(() -> {
            var id = c.get("access-key-id");
            var secret = c.secret("secret-access-key");
            if (id.isPresent() != secret.isPresent()) {
                throw new ConfigurationException(NAMESPACE + ".access-key-id and " + NAMESPACE
                        + ".secret-access-key must be set together (or neither, for the AWS default credential chain)");
            }
            if (id.isPresent()) {
                b.credentials(id.get(), secret.get(), c.secret("session-token").orElse(null));
            }
            c.get("profile").ifPresent(b::profile);
        });
        return s.done(b);
    }
}
