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
 * @param options      strategy-specific settings (e.g. {@code port}, {@code database})
 * @param progress     receives progress
 */
public record RestoreRequest(@Nullable String backupId, RecoveryTarget target, @Nullable String timeline,
                             Path destination, boolean delta, boolean start, int parallelism,
                             Map<String, String> options, ProgressListener progress) {
    public RestoreRequest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(destination, "destination");
        options = Map.copyOf(options);
        Objects.requireNonNull(progress, "progress");
        if (parallelism < 0) {
            throw new IllegalArgumentException("parallelism must be >= 0, was " + parallelism);
        }
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
