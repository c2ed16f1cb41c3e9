package io.dr4j.core.restore;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.ProgressListener;

import org.jspecify.annotations.Nullable;

/**
 * What to restore, where, and how far.
 *
 * @param backupId     the backup to restore, or null to let the strategy choose (newest suitable for the target)
 * @param target       where recovery stops
 * @param timeline     the timeline to follow ({@code recovery_target_timeline}); null = latest
 * @param destination  the new data directory (physical) or working directory; must be empty unless {@code delta}
 * @param delta        reuse an existing directory and fetch only what differs
 * @param start        start the server and wait until recovery has really ended
 * @param parallelism  concurrent downloads; 0 = number of cores
 * @param options      strategy-specific settings (e.g. {@code port}, {@code database}), and {@value #CHECKSUM}
 * @param progress     receives progress
 */
public record RestoreRequest(@Nullable String backupId, RecoveryTarget target, @Nullable String timeline,
                             Path destination, boolean delta, boolean start, int parallelism,
                             Map<String, String> options, ProgressListener progress) {
    public RestoreRequest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(destination, "destination");
        options = Map.copyOf(options);
        sha256Checksum(options); // a wrong value fails here, before anything is restored
        Objects.requireNonNull(progress, "progress");
        if (parallelism < 0) {
            throw new IllegalArgumentException("parallelism must be >= 0, was " + parallelism);
        }
    }

    /**
     * Option: what every restored file is checked against at the end of its download, besides its size and the
     * codec's own checks (zstd's frame checksum, the encryption's authentication tags). {@code crc32c} (the default):
     * the CRC-32C its backup recorded, which detects corruption and truncation at almost no CPU cost; files of
     * backups made before it was recorded are checked against their SHA-256. {@code sha256}: the SHA-256 of every
     * file, ~0.5 s more CPU per GB, for when the repository may have been tampered with by someone able to forge a
     * CRC but not to rewrite the manifest (see docs/security.md).
     */
    public static final String CHECKSUM = "checksum";

    /** Whether {@linkplain #CHECKSUM option checksum} asks for SHA-256 checks. */
    public boolean checksSha256() {
        return sha256Checksum(options);
    }

    private static boolean sha256Checksum(Map<String, String> options) {
        String c = options.getOrDefault(CHECKSUM, "crc32c");
        return switch (c.toLowerCase(java.util.Locale.ROOT)) {
            case "crc32c" -> false;
            case "sha256", "sha-256" -> true;
            default -> throw new io.dr4j.core.ConfigurationException("Restore option " + CHECKSUM + " is '" + c
                    + "'; use crc32c (the default) or sha256");
        };
    }

    /** The expected CRC-32C to check {@code file} against, or null when its SHA-256 is to be checked. */
    public @Nullable String crc32cToCheck(io.dr4j.core.backup.BackupFile file) {
        return checksSha256() ? null : file.crc32c();
    }

    public static RestoreRequest to(Path destination) {
        return new RestoreRequest(null, RecoveryTarget.latest(), null, destination, false, false, 0, Map.of(),
                ProgressListener.NONE);
    }

    public RestoreRequest withBackup(@Nullable String id) {
        return new RestoreRequest(id, target, timeline, destination, delta, start, parallelism, options, progress);
    }

    public RestoreRequest withTarget(RecoveryTarget t) {
        return new RestoreRequest(backupId, t, timeline, destination, delta, start, parallelism, options, progress);
    }

    public RestoreRequest withTimeline(@Nullable String tl) {
        return new RestoreRequest(backupId, target, tl, destination, delta, start, parallelism, options, progress);
    }

    public RestoreRequest withDelta(boolean d) {
        return new RestoreRequest(backupId, target, timeline, destination, d, start, parallelism, options, progress);
    }

    public RestoreRequest withStart(boolean s) {
        return new RestoreRequest(backupId, target, timeline, destination, delta, s, parallelism, options, progress);
    }

    public RestoreRequest withParallelism(int p) {
        return new RestoreRequest(backupId, target, timeline, destination, delta, start, p, options, progress);
    }

    public RestoreRequest withOptions(Map<String, String> o) {
        return new RestoreRequest(backupId, target, timeline, destination, delta, start, parallelism, o, progress);
    }

    public RestoreRequest withProgress(ProgressListener p) {
        return new RestoreRequest(backupId, target, timeline, destination, delta, start, parallelism, options, p);
    }

    /** The effective parallelism (0 resolved to the number of cores). */
    public int effectiveParallelism() {
        return parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
    }
}
