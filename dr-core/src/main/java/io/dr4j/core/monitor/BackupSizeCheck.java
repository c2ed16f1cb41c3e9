package io.dr4j.core.monitor;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.Repository;

/**
 * Size anomaly: DEGRADED when the newest backup's size deviates by more than {@code maxDeviationPercent} from the
 * median size of the previous {@code samples} backups of the same type (a sudden drop often means a missing
 * database or table, a jump an unexpected bulk load). UP with "not enough history" below 3 earlier backups.
 */
public final class BackupSizeCheck extends MonitorCheck {
    private static final int MIN_SAMPLES = 3;

    private final Repository repository;
    private final double maxDeviationPercent;
    private final int samples;

    public BackupSizeCheck(Repository repository, double maxDeviationPercent, int samples, Clock clock) {
        super(clock);
        this.repository = Objects.requireNonNull(repository, "repository");
        if (maxDeviationPercent <= 0) {
            throw new IllegalArgumentException("maxDeviationPercent must be positive, was " + maxDeviationPercent);
        }
        if (samples < MIN_SAMPLES) {
            throw new IllegalArgumentException("samples must be at least " + MIN_SAMPLES + ", was " + samples);
        }
        this.maxDeviationPercent = maxDeviationPercent;
        this.samples = samples;
    }

    @Override
    public String name() {
        return "backup-size";
    }

    @Override
    Finding evaluate() {
        List<BackupManifest> all = repository.catalog().list(); // oldest first
        Map<String, Object> d = new LinkedHashMap<>();
        if (all.isEmpty()) {
            return Finding.up("No backups yet", d);
        }
        BackupManifest newest = all.get(all.size() - 1);
        List<BackupManifest> earlier = all.subList(0, all.size() - 1).stream()
                .filter(m -> m.type() == newest.type()).toList();
        earlier = earlier.subList(Math.max(0, earlier.size() - samples), earlier.size());
        d.put("newestBackup", newest.id());
        d.put("newestSize", newest.size());
        d.put("samples", earlier.size());
        if (earlier.size() < MIN_SAMPLES) {
            return Finding.up("Not enough history to judge the size of " + newest.id() + " (" + earlier.size()
                    + " earlier " + newest.type().id() + " backups, need " + MIN_SAMPLES + ")", d);
        }
        long median = median(earlier.stream().mapToLong(BackupManifest::size).sorted().toArray());
        d.put("medianSize", median);
        double deviation = median == 0 ? (newest.size() == 0 ? 0 : 100.0 * newest.size())
                : 100.0 * (newest.size() - median) / median;
        d.put("deviationPercent", Math.round(deviation * 10) / 10.0);
        String text = "Backup " + newest.id() + " is " + bytes(newest.size()) + ", "
                + String.format(java.util.Locale.ROOT, "%+.1f%%", deviation) + " from the median " + bytes(median)
                + " of the last " + earlier.size() + " " + newest.type().id() + " backups";
        if (Math.abs(deviation) > maxDeviationPercent) {
            return Finding.degraded(text + " (limit ±" + maxDeviationPercent + "%): check that the backup covers "
                    + "everything, or that the change in data is expected", d);
        }
        return Finding.up(text, d);
    }

    static long median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
