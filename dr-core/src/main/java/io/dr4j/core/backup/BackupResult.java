package io.dr4j.core.backup;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A completed backup.
 *
 * @param manifest  what was stored
 * @param phases    duration of each phase, in order
 * @param total     total duration
 * @param warnings  problems that did not stop the backup (e.g. page checksum failures, named by file and block)
 */
public record BackupResult(BackupManifest manifest, Map<String, Duration> phases, Duration total,
                           List<String> warnings) {
    public BackupResult {
        Objects.requireNonNull(manifest, "manifest");
        phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        Objects.requireNonNull(total, "total");
        warnings = List.copyOf(warnings);
    }

    public String id() {
        return manifest.id();
    }
}
