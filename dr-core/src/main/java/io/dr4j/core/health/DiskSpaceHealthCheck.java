package io.dr4j.core.health;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Free space of the file system holding a path: DOWN below {@code minFreeBytes}, DEGRADED below the optional
 * warning threshold, else UP.
 */
public final class DiskSpaceHealthCheck extends AbstractHealthCheck<DiskSpaceHealthCheck> {
    private final Path path;
    private final long minFreeBytes;
    private long warnBelowBytes = -1;

    DiskSpaceHealthCheck(Path path, long minFreeBytes) {
        super("disk:" + Objects.requireNonNull(path, "path"), Duration.ofSeconds(10));
        this.path = path;
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("minFreeBytes must be >= 0, was " + minFreeBytes);
        }
        this.minFreeBytes = minFreeBytes;
    }

    /** DEGRADED when less than this is free (must be above the DOWN threshold). */
    public DiskSpaceHealthCheck degradedBelow(long bytes) {
        if (bytes < minFreeBytes) {
            throw new IllegalArgumentException("The DEGRADED threshold (" + bytes + " bytes) must not be below the "
                    + "DOWN threshold (" + minFreeBytes + " bytes)");
        }
        this.warnBelowBytes = bytes;
        return this;
    }

    @Override
    public HealthResult check() {
        long t0 = System.nanoTime();
        try {
            FileStore store = Files.getFileStore(path);
            long free = store.getUsableSpace();
            long total = store.getTotalSpace();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("path", path.toString());
            details.put("usableBytes", free);
            details.put("totalBytes", total);
            details.put("minFreeBytes", minFreeBytes);
            Duration latency = elapsedSince(t0);
            String facts = human(free) + " free of " + human(total) + " on " + path;
            HealthStatus status = free < minFreeBytes ? HealthStatus.DOWN
                    : free < warnBelowBytes ? HealthStatus.DEGRADED : HealthStatus.UP;
            String message = switch (status) {
                case DOWN -> facts + " (below the minimum " + human(minFreeBytes) + ")";
                case DEGRADED -> facts + " (below the warning level " + human(warnBelowBytes) + ")";
                case UP -> facts;
            };
            return new HealthResult(name(), status, message, details, latency, java.time.Instant.now());
        } catch (IOException | RuntimeException e) {
            return HealthResult.down(name(), "Cannot read free space of " + path + ": " + HttpHealthCheck.describe(e)
                    + ". Does the path exist?", elapsedSince(t0));
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
