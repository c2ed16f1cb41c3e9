package io.dr4j.core.restore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a restore achieved.
 *
 * @param backupId         the backup restored
 * @param destination      where
 * @param recoveredToLsn   the WAL location recovery ended at (known once the server ran recovery), else null
 * @param recoveredToTime  the commit time of the last replayed transaction, when known
 * @param timeline         the timeline the restored system is on afterwards, when known
 * @param bytesRestored    bytes written to the destination
 * @param filesRestored    files written
 * @param phases           duration of each phase, in order (e.g. plan, download, wal-prefetch, recovery)
 * @param total            total duration
 * @param details          strategy-specific facts (e.g. port of the started server)
 */
public record RestoreResult(String backupId, Path destination, @Nullable String recoveredToLsn,
                            @Nullable Instant recoveredToTime, @Nullable String timeline, long bytesRestored,
                            long filesRestored, Map<String, Duration> phases, Duration total,
                            Map<String, String> details) {
    public RestoreResult {
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(destination, "destination");
        phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        Objects.requireNonNull(total, "total");
        details = Map.copyOf(details);
    }
}
