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
public final class DiskSpaceHealthCheck implements HealthCheck {
    private final Path path;
    private final long minFreeBytes;
    private long warnBelowBytes = -1;
    private String name;

    DiskSpaceHealthCheck(Path path, long minFreeBytes) {
        this.path = Objects.requireNonNull(path, "path");
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("minFreeBytes must be >= 0, was " + minFreeBytes);
        }
        this.minFreeBytes = minFreeBytes;
        this.name = "disk:" + path;
    }

    public DiskSpaceHealthCheck named(String n) {
        this.name = Objects.requireNonNull(n, "name");
        return this;
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
    public String name() {
        return name;
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
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            String facts = human(free) + " free of " + human(total) + " on " + path;
            HealthStatus status = free < minFreeBytes ? HealthStatus.DOWN
                    : free < warnBelowBytes ? HealthStatus.DEGRADED : HealthStatus.UP;
            String message = switch (status) {
                case DOWN -> facts + " (below the minimum " + human(minFreeBytes) + ")";
                case DEGRADED -> facts + " (below the warning level " + human(warnBelowBytes) + ")";
                case UP -> facts;
            };
            return new HealthResult(name, status, message, details, latency, java.time.Instant.now());
        } catch (IOException | RuntimeException e) {
            return HealthResult.down(name, "Cannot read free space of " + path + ": " + HttpHealthCheck.describe(e)
                    + ". Does the path exist?", Duration.ofNanos(System.nanoTime() - t0));
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

    @Override
    public String toString() {
        return "DiskSpaceHealthCheck[" + name + "]";
    }
}
