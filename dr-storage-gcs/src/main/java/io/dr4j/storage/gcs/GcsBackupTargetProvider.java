package io.dr4j.storage.gcs;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.spi.BackupTargetProvider;
import io.dr4j.core.storage.spi.ProviderSettings;

/**
 * Opens {@code gs://bucket/prefix} locations as {@link GcsBackupTarget}s, configured from {@code dr.storage.gcs.*}
 * (environment: {@code DR_STORAGE_GCS_*}):
 *
 * <pre>
 * project-id          billing/quota project (default: from the credentials)
 * credentials-file    service account JSON key file (default: Application Default Credentials)
 * credentials-json    the JSON key itself (secret)
 * endpoint            an emulator or private endpoint, e.g. http://127.0.0.1:4443 (default: STORAGE_EMULATOR_HOST
 *                     when set, else Google)
 * chunk-size          resumable upload chunk size, multiple of 256KiB (default 8MiB)
 * kms-key-name        projects/P/locations/L/keyRings/R/cryptoKeys/K (CMEK)
 * retention-mode      unlocked | locked (object retention; the bucket needs it enabled)
 * retention           e.g. 35d
 * event-based-hold    true: new objects get an event-based hold
 * max-attempts        attempts per request for 5xx/429/network errors (default 6)
 * verify-on-open      check the bucket (and its object retention) when opening (default true)
 * </pre>
 */
public final class GcsBackupTargetProvider implements BackupTargetProvider {
    public static final String NAMESPACE = "dr.storage.gcs";

    @Override
    public String id() {
        return "gcs";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("gs", "gcs");
    }

    @Override
    public String artifact() {
        return "io.dr4j:dr-storage-gcs";
    }

    @Override
    public BackupTarget create(URI location, ProviderConfig config) {
        return configure(GcsBackupTarget.builder().location(location), config).build();
    }

    /** Applies the {@code dr.storage.gcs.*} settings of {@code config} (root or already scoped). */
    public static GcsBackupTargetBuilder configure(GcsBackupTargetBuilder b, ProviderConfig config) {
        ProviderSettings s = ProviderSettings.of(config, NAMESPACE);
        ProviderConfig c = s.config();
        s.apply(() -> c.get("project-id").ifPresent(b::projectId));
        s.apply(() -> c.get("endpoint").ifPresent(e -> b.endpoint(s.url("endpoint", e, "http://127.0.0.1:4443"))));
        s.apply(() -> c.get("credentials-file").ifPresent(f -> b.credentialsFile(Path.of(f))));
        s.apply(() -> c.secret("credentials-json").ifPresent(b::credentialsJson));
        s.apply(() -> c.get("chunk-size").ifPresent(v -> b.chunkSize(chunkSize(s.size("chunk-size", v)))));
        s.apply(() -> c.get("kms-key-name").ifPresent(b::kmsKeyName));
        s.apply(() -> {
            GcsSettings.RetentionMode mode = c.get("retention-mode").map(v -> switch (v.toLowerCase(Locale.ROOT)) {
                case "unlocked" -> GcsSettings.RetentionMode.UNLOCKED;
                case "locked" -> GcsSettings.RetentionMode.LOCKED;
                default -> throw new ConfigurationException(NAMESPACE + ".retention-mode must be unlocked or locked, was '"
                        + v + "'");
            }).orElse(null);
            Duration retention = c.get("retention").isPresent() ? c.getDuration("retention", Duration.ZERO) : null;
            b.retention(mode, retention);
        });
        s.apply(() -> b.eventBasedHold(c.getBoolean("event-based-hold", false)));
        s.apply(() -> b.maxAttempts(c.getInt("max-attempts", 6)));
        s.apply(() -> b.verifyOnOpen(c.getBoolean("verify-on-open", true)));
        return s.done(b);
    }

    private static int chunkSize(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new ConfigurationException(NAMESPACE + ".chunk-size must be below 2 GiB, was " + bytes + " bytes");
        }
        return (int) bytes;
    }
}
