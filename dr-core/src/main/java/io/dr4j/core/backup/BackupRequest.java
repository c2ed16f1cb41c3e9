package io.dr4j.core.backup;

import java.util.Map;
import java.util.Objects;

import io.dr4j.core.ProgressListener;

/**
 * What backup to take.
 *
 * @param type        full, diff, incr or logical
 * @param parallelism concurrent file streams; 0 = number of cores
 * @param labels      user labels stored in the manifest
 * @param options     source-specific settings (e.g. {@code mode=stream}, {@code database=app})
 * @param progress    receives progress
 */
public record BackupRequest(BackupType type, int parallelism, Map<String, String> labels, Map<String, String> options,
                            ProgressListener progress) {
    public BackupRequest {
        Objects.requireNonNull(type, "type");
        labels = Map.copyOf(labels);
        options = Map.copyOf(options);
        Objects.requireNonNull(progress, "progress");
        if (parallelism < 0) {
            throw new IllegalArgumentException("parallelism must be >= 0, was " + parallelism);
        }
    }

    public static BackupRequest of(BackupType type) {
        return new BackupRequest(type, 0, Map.of(), Map.of(), ProgressListener.NONE);
    }

    public BackupRequest withParallelism(int p) {
        return new BackupRequest(type, p, labels, options, progress);
    }

    public BackupRequest withLabels(Map<String, String> l) {
        return new BackupRequest(type, parallelism, l, options, progress);
    }

    public BackupRequest withOptions(Map<String, String> o) {
        return new BackupRequest(type, parallelism, labels, o, progress);
    }

    public BackupRequest withProgress(ProgressListener p) {
        return new BackupRequest(type, parallelism, labels, options, p);
    }

    public int effectiveParallelism() {
        return parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
    }
}
