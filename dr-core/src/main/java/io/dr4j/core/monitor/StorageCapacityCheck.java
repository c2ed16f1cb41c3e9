package io.dr4j.core.monitor;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Local free space of the file system holding {@code path} (a file repository, a spool or WAL directory): DOWN below
 * {@code minFreeBytes}, DEGRADED below {@code minFreePercent} of the file system.
 */
public final class StorageCapacityCheck extends MonitorCheck {
    private final Path path;
    private final long minFreeBytes;
    private final double minFreePercent;

    public StorageCapacityCheck(Path path, long minFreeBytes, double minFreePercent, Clock clock) {
        super(clock);
        this.path = Objects.requireNonNull(path, "path");
        this.minFreeBytes = minFreeBytes;
        this.minFreePercent = minFreePercent;
    }

    @Override
    public String name() {
        return "storage-capacity";
    }

    @Override
    Finding evaluate() throws IOException {
        FileStore store = Files.getFileStore(path);
        long total = store.getTotalSpace();
        long usable = store.getUsableSpace();
        double pct = total == 0 ? 0 : 100.0 * usable / total;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", path.toString());
        d.put("totalBytes", total);
        d.put("freeBytes", usable);
        d.put("freePercent", Math.round(pct * 10) / 10.0);
        String text = bytes(usable) + " free of " + bytes(total) + " ("
                + String.format(java.util.Locale.ROOT, "%.1f%%", pct) + ") at " + path;
        if (usable < minFreeBytes) {
            return Finding.down(text + ", below the minimum " + bytes(minFreeBytes)
                    + ": free space or expire old backups before the next backup fails", d);
        }
        if (pct < minFreePercent) {
            return Finding.degraded(text + ", below " + minFreePercent + "%: plan more space or shorter retention", d);
        }
        return Finding.up(text, d);
    }
}
