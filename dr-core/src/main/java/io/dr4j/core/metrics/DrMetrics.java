package io.dr4j.core.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.events.DrEvent;
import io.dr4j.core.events.DrEventListener;
import io.dr4j.core.events.DrEvents;
import io.dr4j.core.health.HealthResult;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.jspecify.annotations.Nullable;

/**
 * dr4j's meters for one system (tag {@code system}). Needs {@code io.micrometer:micrometer-core} (an optional
 * dependency of dr-core). Bind it to a registry and register it as a {@link DrEventListener} of the repository: it
 * then records every backup, restore, verification, expiry and WAL upload the library does:
 *
 * <pre>{@code
 * DrMetrics metrics = new DrMetrics("db-prod");
 * metrics.bindTo(registry);
 * DisasterRecovery dr = DisasterRecovery.configure().repository("s3://bucket/db").listener(metrics).load();
 * metrics.refresh(repository);                  // after a restart: age and last success from the catalog
 * }</pre>
 *
 * The record methods ({@link #backupSucceeded}, ...) remain for code that reports by hand.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>dr4j.backup.duration</td><td>timer</td><td>type, outcome (success/failure)</td></tr>
 *   <tr><td>dr4j.backup.size</td><td>summary (bytes)</td><td>type, kind (original/stored)</td></tr>
 *   <tr><td>dr4j.backup.age</td><td>gauge (seconds since the newest complete backup finished; NaN before one)</td><td></td></tr>
 *   <tr><td>dr4j.backup.last.success</td><td>gauge (Unix seconds of the newest success; NaN before one)</td><td></td></tr>
 *   <tr><td>dr4j.wal.archive.lag</td><td>gauge (seconds since the newest WAL was archived; NaN unknown)</td><td></td></tr>
 *   <tr><td>dr4j.wal.archive.lag.bytes</td><td>gauge (bytes written but not archived; NaN unknown)</td><td></td></tr>
 *   <tr><td>dr4j.verification</td><td>counter</td><td>result (passed/failed)</td></tr>
 *   <tr><td>dr4j.verification.duration</td><td>timer</td><td>result</td></tr>
 *   <tr><td>dr4j.restore.duration</td><td>timer</td><td>outcome</td></tr>
 *   <tr><td>dr4j.check.status</td><td>gauge (0 UP, 1 DEGRADED, 2 DOWN)</td><td>check</td></tr>
 *   <tr><td>dr4j.wal.archived</td><td>counter (WAL uploads)</td><td>partial (true/false)</td></tr>
 *   <tr><td>dr4j.expiry.backups</td><td>counter (backups deleted by expiry)</td><td></td></tr>
 *   <tr><td>dr4j.expiry.freed</td><td>counter (stored bytes freed by expiry)</td><td></td></tr>
 *   <tr><td>dr4j.events.listener.failures</td><td>function counter (listener calls that threw, process-wide)</td><td></td></tr>
 * </table>
 */
public final class DrMetrics implements MeterBinder, DrEventListener {
    private final String system;
    private final Clock clock;
    private final AtomicReference<@Nullable Instant> lastSuccess = new AtomicReference<>();
    private final AtomicReference<@Nullable Instant> lastWalArchived = new AtomicReference<>();
    private volatile double walLagBytes = Double.NaN;
    private final ConcurrentHashMap<String, Integer> checkStatus = new ConcurrentHashMap<>();
    private volatile @Nullable MeterRegistry registry;

    public DrMetrics(String system) {
        this(system, Clock.systemUTC());
    }

    public DrMetrics(String system, Clock clock) {
        this.system = Objects.requireNonNull(system, "system");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        Tags t = Tags.of("system", system);
        Gauge.builder("dr4j.backup.age", this, m -> m.secondsSince(m.lastSuccess.get())).tags(t).baseUnit("seconds")
                .description("Seconds since the newest complete backup finished").register(registry);
        Gauge.builder("dr4j.backup.last.success", this, m -> epoch(m.lastSuccess.get())).tags(t).baseUnit("seconds")
                .description("Unix time the newest complete backup finished").register(registry);
        Gauge.builder("dr4j.wal.archive.lag", this, m -> m.secondsSince(m.lastWalArchived.get())).tags(t)
                .baseUnit("seconds").description("Seconds since the newest WAL was archived (RPO exposure)")
                .register(registry);
        Gauge.builder("dr4j.wal.archive.lag.bytes", this, m -> m.walLagBytes).tags(t).baseUnit("bytes")
                .description("WAL bytes written by the server but not archived").register(registry);
        checkStatus.keySet().forEach(this::registerCheck);
        FunctionCounter.builder("dr4j.events.listener.failures", DrEvents.class, c -> DrEvents.totalListenerFailures())
                .description("Event listener calls that threw (the work went on)").register(registry);
    }

    /** Records a library event (see the class comment); unbound, it throws (and the event source counts that). */
    @Override
    public void onEvent(DrEvent event) {
        if (event instanceof DrEvent.BackupCompleted e) {
            backupSucceeded(e.manifest());
        } else if (event instanceof DrEvent.BackupFailed e) {
            backupFailed(e.type(), e.duration());
        } else if (event instanceof DrEvent.RestoreCompleted e) {
            restore(true, e.duration());
        } else if (event instanceof DrEvent.RestoreFailed e) {
            restore(false, e.duration());
        } else if (event instanceof DrEvent.VerificationCompleted e) {
            verification(e.passed(), e.record().duration());
        } else if (event instanceof DrEvent.ExpiryCompleted e) {
            Counter.builder("dr4j.expiry.backups").tags("system", system).register(registry())
                    .increment(e.report().deletedBackups().size());
            Counter.builder("dr4j.expiry.freed").tags("system", system).baseUnit("bytes").register(registry())
                    .increment(e.report().bytesFreed());
        } else if (event instanceof DrEvent.WalArchived e) {
            Counter.builder("dr4j.wal.archived").tags("system", system, "partial", Boolean.toString(e.partial()))
                    .register(registry()).increment();
            walArchived(e.at(), e.lagBytes());
        }
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            throw new IllegalStateException("DrMetrics for " + system + " is not bound: call bindTo(registry) first");
        }
        return r;
    }

    private double secondsSince(@Nullable Instant t) {
        return t == null ? Double.NaN : Duration.between(t, clock.instant()).toMillis() / 1000.0;
    }

    private static double epoch(@Nullable Instant t) {
        return t == null ? Double.NaN : t.toEpochMilli() / 1000.0;
    }

    /** A backup completed. */
    public void backupSucceeded(BackupManifest m) {
        Tags tags = Tags.of("system", system, "type", m.type().id());
        Timer.builder("dr4j.backup.duration").tags(tags).tag("outcome", "success").register(registry())
                .record(Duration.between(m.startedAt(), m.finishedAt()));
        DistributionSummary.builder("dr4j.backup.size").tags(tags).tag("kind", "original").baseUnit("bytes")
                .register(registry()).record(m.size());
        DistributionSummary.builder("dr4j.backup.size").tags(tags).tag("kind", "stored").baseUnit("bytes")
                .register(registry()).record(m.storedSize());
        lastSuccess.accumulateAndGet(m.finishedAt(), DrMetrics::max);
    }

    /** A backup failed after {@code duration}. */
    public void backupFailed(String type, Duration duration) {
        Timer.builder("dr4j.backup.duration").tags("system", system, "type", type, "outcome", "failure")
                .register(registry()).record(duration);
    }

    /** A verification (re-hash, WAL chain, test restore) ended. */
    public void verification(boolean passed, Duration duration) {
        String result = passed ? "passed" : "failed";
        Counter.builder("dr4j.verification").tags("system", system, "result", result).register(registry()).increment();
        Timer.builder("dr4j.verification.duration").tags("system", system, "result", result).register(registry())
                .record(duration);
    }

    /** A restore ended. */
    public void restore(boolean succeeded, Duration duration) {
        Timer.builder("dr4j.restore.duration").tags("system", system, "outcome", succeeded ? "success" : "failure")
                .register(registry()).record(duration);
    }

    /** The newest archived WAL was stored at {@code archivedAt}; {@code lagBytes} is unknown when negative. */
    public void walArchived(Instant archivedAt, long lagBytes) {
        lastWalArchived.accumulateAndGet(archivedAt, DrMetrics::max);
        walLagBytes = lagBytes < 0 ? Double.NaN : lagBytes;
    }

    /** Sets the newest success from the repository's catalog (e.g. after a restart). */
    public void refresh(Repository repository) {
        List<BackupManifest> all = repository.catalog().list();
        all.stream().map(BackupManifest::finishedAt).max(Instant::compareTo)
                .ifPresent(t -> lastSuccess.accumulateAndGet(t, DrMetrics::max));
    }

    /** Publishes monitor results as {@code dr4j.check.status} (0 UP, 1 DEGRADED, 2 DOWN). */
    public void checkResults(List<HealthResult> results) {
        for (HealthResult r : results) {
            boolean fresh = checkStatus.put(r.name(), r.status().ordinal()) == null;
            if (fresh && registry != null) {
                registerCheck(r.name());
            }
            Object lag = r.details().get("lagBytes");
            if (lag instanceof Number n) {
                walLagBytes = n.doubleValue();
            }
            Object at = r.details().get("newestArchivedAt");
            if (at instanceof String s) {
                lastWalArchived.accumulateAndGet(Instant.parse(s), DrMetrics::max);
            }
        }
    }

    private void registerCheck(String name) {
        Gauge.builder("dr4j.check.status", checkStatus, m -> m.getOrDefault(name, 0))
                .tags(List.of(Tag.of("system", system), Tag.of("check", name)))
                .description("0 UP, 1 DEGRADED, 2 DOWN").register(registry());
    }

    private static @Nullable Instant max(@Nullable Instant a, @Nullable Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isAfter(b) ? a : b;
    }

}
