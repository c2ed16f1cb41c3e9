package io.dr4j.core.monitor;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.dr4j.core.alert.Alert;
import io.dr4j.core.alert.Notifier;
import io.dr4j.core.alert.Severity;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a repository (and optionally the PostgreSQL server and local disk) and alerts: runs its checks
 * ({@link #checks()}, each also usable as a {@link HealthCheck}) on {@link #run()}, sends an alert when a check
 * turns DEGRADED (WARNING) or DOWN (CRITICAL), repeats it every {@code renotifyInterval} while it lasts, and sends
 * the resolve message when the check is UP again. Schedule {@link #run()} with the
 * {@link io.dr4j.core.schedule.Scheduler} (e.g. every 5 minutes).
 *
 * <pre>{@code
 * BackupMonitor monitor = BackupMonitor.builder(repository).system("db-prod").notifier(alerts)
 *         .maxBackupAge(Duration.ofHours(24)).sizeAnomaly(50, 7).localCapacity(Path.of("/var/backups"), 10L << 30, 10)
 *         .walLag(Duration.ofMinutes(15), null, 2).archiver(ConnectionSource.of(dataSource)).build();
 * }</pre>
 */
public final class BackupMonitor {
    private static final Logger log = LoggerFactory.getLogger(BackupMonitor.class);

    private record Last(HealthStatus status, Instant notifiedAt) {
    }

    private final String system;
    private final List<HealthCheck> checks;
    private final @Nullable Notifier notifier;
    private final Clock clock;
    private final Duration renotifyInterval;
    private final Map<String, Last> last = new HashMap<>();

    private BackupMonitor(Builder b) {
        this.system = b.system;
        this.clock = b.clock;
        this.notifier = b.notifier;
        this.renotifyInterval = b.renotifyInterval;
        List<HealthCheck> cs = new ArrayList<>();
        cs.add(new BackupAgeCheck(b.repository, b.maxBackupAge, clock));
        cs.add(new BackupFailureCheck(b.repository, b.maxRunTime, clock));
        cs.add(new BackupSizeCheck(b.repository, b.maxDeviationPercent, b.sizeSamples, clock));
        if (b.capacityPath != null) {
            cs.add(new StorageCapacityCheck(b.capacityPath, b.minFreeBytes, b.minFreePercent, clock));
        }
        if (b.quotaBytes > 0) {
            cs.add(new StorageQuotaCheck(b.repository.target(), b.quotaBytes, b.quotaWarnPercent, b.quotaCriticalPercent,
                    clock));
        }
        if (b.walMaxAge != null) {
            cs.add(new WalLagCheck(b.repository, b.walMaxAge, b.currentWalFile, b.maxSegmentsBehind, b.segmentSize,
                    clock));
        }
        if (b.archiver != null) {
            cs.add(new ArchiverCheck(b.archiver, clock));
        }
        cs.addAll(b.extra);
        this.checks = List.copyOf(cs);
    }

    public static Builder builder(Repository repository) {
        return new Builder(repository);
    }

    /** The configured checks, each a {@link HealthCheck}. */
    public List<HealthCheck> checks() {
        return checks;
    }

    /** All checks as one: the worst status, the messages of those not UP. */
    public HealthCheck asHealthCheck() {
        return new HealthCheck() {
            @Override
            public String name() {
                return "backup-monitor:" + system;
            }

            @Override
            public HealthResult check() {
                long t0 = System.nanoTime();
                List<HealthResult> rs = checks.stream().map(HealthCheck::check).toList();
                HealthStatus worst = HealthStatus.UP;
                List<String> bad = new ArrayList<>();
                Map<String, Object> details = new TreeMap<>();
                for (HealthResult r : rs) {
                    worst = worst.worst(r.status());
                    details.put(r.name(), r.status().name());
                    if (r.status() != HealthStatus.UP) {
                        bad.add(r.name() + ": " + r.message());
                    }
                }
                return new HealthResult(name(), worst, bad.isEmpty() ? "All backup checks UP" : String.join("; ", bad),
                        details, Duration.ofNanos(System.nanoTime() - t0), clock.instant());
            }
        };
    }

    /** Runs every check, alerts on changes, and returns the results in check order. */
    public synchronized List<HealthResult> run() {
        List<HealthResult> results = new ArrayList<>();
        for (HealthCheck c : checks) {
            HealthResult r = c.check();
            results.add(r);
            handle(r);
        }
        return results;
    }

    private void handle(HealthResult r) {
        Instant now = clock.instant();
        Last prev = last.get(r.name());
        if (r.status() == HealthStatus.UP) {
            if (prev != null && prev.status() != HealthStatus.UP) {
                log.info("{} {} is UP again: {}", system, r.name(), r.message());
                send(alertFor(r, Severity.WARNING).resolve(r.message()));
            }
            last.put(r.name(), new Last(HealthStatus.UP, now));
            return;
        }
        boolean changed = prev == null || prev.status() != r.status();
        boolean due = prev != null && Duration.between(prev.notifiedAt(), now).compareTo(renotifyInterval) >= 0;
        if (changed || due) {
            log.warn("{} {} is {}: {}", system, r.name(), r.status(), r.message());
            send(alertFor(r, r.status() == HealthStatus.DOWN ? Severity.CRITICAL : Severity.WARNING));
            last.put(r.name(), new Last(r.status(), now));
        }
    }

    private Alert alertFor(HealthResult r, Severity severity) {
        Map<String, String> fields = new TreeMap<>();
        fields.put("system", system);
        fields.put("check", r.name());
        fields.put("status", r.status().name());
        r.details().forEach((k, v) -> fields.put(k, String.valueOf(v)));
        return new Alert(severity, system + ": " + r.name() + " " + r.status(), r.message(), "backup-monitor",
                "dr4j:" + system + ":" + r.name(), false, fields, clock.instant());
    }

    private void send(Alert a) {
        if (notifier == null) {
            return;
        }
        try {
            notifier.notify(a);
        } catch (RuntimeException e) {
            log.warn("Monitor alert '{}' not delivered: {}", a.title(), e.getMessage());
        }
    }

    /** Builds a {@link BackupMonitor}. */
    public static final class Builder {
        private final Repository repository;
        private String system;
        private Clock clock = Clock.systemUTC();
        private @Nullable Notifier notifier;
        private Duration renotifyInterval = Duration.ofHours(4);
        private Duration maxBackupAge = BackupAgeCheck.DEFAULT_MAX_AGE;
        private Duration maxRunTime = Duration.ofHours(12);
        private double maxDeviationPercent = 50;
        private int sizeSamples = 7;
        private @Nullable Path capacityPath;
        private long minFreeBytes;
        private double minFreePercent;
        private long quotaBytes;
        private double quotaWarnPercent = 80;
        private double quotaCriticalPercent = 95;
        private @Nullable Duration walMaxAge;
        private @Nullable Supplier<String> currentWalFile;
        private long maxSegmentsBehind = 2;
        private long segmentSize = WalLagCheck.DEFAULT_SEGMENT_SIZE;
        private @Nullable ConnectionSource archiver;
        private final List<HealthCheck> extra = new ArrayList<>();

        private Builder(Repository repository) {
            this.repository = Objects.requireNonNull(repository, "repository");
            this.system = repository.descriptor().systemId();
        }

        /** The name in alert titles and dedup keys (default: the repository's system id). */
        public Builder system(String system) {
            this.system = Objects.requireNonNull(system, "system");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where alerts go (typically the {@code AsyncNotifier} of {@code Notifiers.fromConfig}). */
        public Builder notifier(Notifier notifier) {
            this.notifier = Objects.requireNonNull(notifier, "notifier");
            return this;
        }

        /** How often a lasting problem is alerted again (default 4 h). */
        public Builder renotifyInterval(Duration interval) {
            this.renotifyInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** Newest complete backup may be at most this old (default 24 h). */
        public Builder maxBackupAge(Duration maxAge) {
            this.maxBackupAge = Objects.requireNonNull(maxAge, "maxAge");
            return this;
        }

        /** A backup running longer than this is reported as possibly stuck (default 12 h). */
        public Builder maxRunTime(Duration maxRunTime) {
            this.maxRunTime = Objects.requireNonNull(maxRunTime, "maxRunTime");
            return this;
        }

        /** Size anomaly: deviation from the median of the last {@code samples} backups (default 50 %, 7). */
        public Builder sizeAnomaly(double maxDeviationPercent, int samples) {
            this.maxDeviationPercent = maxDeviationPercent;
            this.sizeSamples = samples;
            return this;
        }

        /** Local free space of the file system of {@code path}. */
        public Builder localCapacity(Path path, long minFreeBytes, double minFreePercent) {
            this.capacityPath = Objects.requireNonNull(path, "path");
            this.minFreeBytes = minFreeBytes;
            this.minFreePercent = minFreePercent;
            return this;
        }

        /** An object store quota in bytes (warn at 80 %, critical at 95 %). */
        public Builder objectStoreQuota(long quotaBytes) {
            this.quotaBytes = quotaBytes;
            return this;
        }

        public Builder objectStoreQuota(long quotaBytes, double warnPercent, double criticalPercent) {
            this.quotaBytes = quotaBytes;
            this.quotaWarnPercent = warnPercent;
            this.quotaCriticalPercent = criticalPercent;
            return this;
        }

        /**
         * WAL archive lag.
         *
         * @param maxAge            newest archived WAL may be at most this old
         * @param currentWalFile    the server's current WAL file name, or null to judge by age only
         * @param maxSegmentsBehind complete segments allowed to wait for archiving
         */
        public Builder walLag(Duration maxAge, @Nullable Supplier<String> currentWalFile, long maxSegmentsBehind) {
            this.walMaxAge = Objects.requireNonNull(maxAge, "maxAge");
            this.currentWalFile = currentWalFile;
            this.maxSegmentsBehind = maxSegmentsBehind;
            return this;
        }

        /** The cluster's wal_segment_size when not 16 MiB. */
        public Builder walSegmentSize(long bytes) {
            this.segmentSize = bytes;
            return this;
        }

        /** PostgreSQL archiver failures from {@code pg_stat_archiver}. */
        public Builder archiver(ConnectionSource connections) {
            this.archiver = Objects.requireNonNull(connections, "connections");
            return this;
        }

        /**
         * Reads {@code dr.monitor.*} (see docs/operations.md): {@code max-backup-age}, {@code max-run-time},
         * {@code renotify-interval}, {@code size-deviation-percent}, {@code size-samples}, {@code local-path} with
         * {@code min-free-bytes} and {@code min-free-percent}, {@code quota-bytes} with {@code quota-warn-percent}
         * and {@code quota-critical-percent}, {@code wal-max-age} with {@code wal-max-segments-behind} and
         * {@code wal-segment-size}. Keys not set keep the builder's values.
         *
         * @throws io.dr4j.core.ConfigurationException naming the key of a malformed value
         */
        public Builder configure(io.dr4j.core.config.ProviderConfig config) {
            io.dr4j.core.config.ProviderConfig c = config.namespace().equals("dr.monitor") ? config
                    : config.scope("dr.monitor");
            maxBackupAge = c.getDuration("max-backup-age", maxBackupAge);
            maxRunTime = c.getDuration("max-run-time", maxRunTime);
            renotifyInterval = c.getDuration("renotify-interval", renotifyInterval);
            maxDeviationPercent = c.getInt("size-deviation-percent", (int) maxDeviationPercent);
            sizeSamples = c.getInt("size-samples", sizeSamples);
            c.get("local-path").ifPresent(p -> {
                capacityPath = Path.of(p);
                minFreeBytes = c.getLong("min-free-bytes", 0);
                minFreePercent = c.getInt("min-free-percent", 10);
            });
            quotaBytes = c.getLong("quota-bytes", quotaBytes);
            quotaWarnPercent = c.getInt("quota-warn-percent", (int) quotaWarnPercent);
            quotaCriticalPercent = c.getInt("quota-critical-percent", (int) quotaCriticalPercent);
            if (c.get("wal-max-age").isPresent()) {
                walMaxAge = c.getDuration("wal-max-age", Duration.ofMinutes(15));
            }
            maxSegmentsBehind = c.getLong("wal-max-segments-behind", maxSegmentsBehind);
            segmentSize = c.getLong("wal-segment-size", segmentSize);
            return this;
        }

        /** Any further check to run and alert on. */
        public Builder check(HealthCheck check) {
            extra.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        public BackupMonitor build() {
            return new BackupMonitor(this);
        }
    }
}
