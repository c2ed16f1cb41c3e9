package io.dr4j.core.monitor;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.ObjectInfo;

/**
 * Object store quota, when one is configured (buckets have none of their own to ask): sums the stored size of
 * every object of the target (streamed, page by page) and compares it with {@code quotaBytes}: DEGRADED from
 * {@code warnPercent}, DOWN from {@code criticalPercent} used.
 */
public final class StorageQuotaCheck extends MonitorCheck {
    private final BackupTarget target;
    private final long quotaBytes;
    private final double warnPercent;
    private final double criticalPercent;

    public StorageQuotaCheck(BackupTarget target, long quotaBytes, double warnPercent, double criticalPercent,
                             Clock clock) {
        super(clock);
        this.target = Objects.requireNonNull(target, "target");
        if (quotaBytes <= 0) {
            throw new IllegalArgumentException("quotaBytes must be positive, was " + quotaBytes);
        }
        this.quotaBytes = quotaBytes;
        this.warnPercent = warnPercent;
        this.criticalPercent = criticalPercent;
    }

    @Override
    public String name() {
        return "storage-quota";
    }

    @Override
    Finding evaluate() {
        long used;
        long objects;
        try (Stream<ObjectInfo> s = target.listAll("")) {
            long[] acc = new long[2];
            s.forEach(o -> {
                acc[0] += o.size();
                acc[1]++;
            });
            used = acc[0];
            objects = acc[1];
        }
        double pct = 100.0 * used / quotaBytes;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("usedBytes", used);
        d.put("quotaBytes", quotaBytes);
        d.put("objects", objects);
        d.put("usedPercent", Math.round(pct * 10) / 10.0);
        String text = bytes(used) + " of the " + bytes(quotaBytes) + " quota used ("
                + String.format(java.util.Locale.ROOT, "%.1f%%", pct) + ") in " + target.location();
        if (pct >= criticalPercent) {
            return Finding.down(text + ": expire old backups or raise the quota before backups fail", d);
        }
        if (pct >= warnPercent) {
            return Finding.degraded(text + ": plan a larger quota or shorter retention", d);
        }
        return Finding.up(text, d);
    }
}
