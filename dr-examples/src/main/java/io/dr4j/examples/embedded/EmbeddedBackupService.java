package io.dr4j.examples.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.metrics.DrMetrics;
import io.dr4j.core.monitor.BackupMonitor;
import io.dr4j.core.schedule.CronSchedule;
import io.dr4j.core.schedule.JobEvent;
import io.dr4j.core.schedule.LeaderLock;
import io.dr4j.core.schedule.ScheduleStateStore;
import io.dr4j.core.schedule.ScheduledJob;
import io.dr4j.core.schedule.Scheduler;
import io.dr4j.postgres.BackupMode;
import io.dr4j.postgres.PostgresBackupSource;
import io.dr4j.postgres.PostgresCluster;
import io.dr4j.postgres.health.PostgresHealthCheck;
import io.dr4j.postgres.lock.PostgresAdvisoryLeaderLock;
import io.dr4j.postgres.logical.PgTarget;
import io.dr4j.postgres.wal.WalArchiver;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain Java service that embeds dr4j through its public API only:
 * <ul>
 *   <li>a {@link PostgresAdvisoryLeaderLock}: of several replicas, only the one holding the lock
 *       {@value #LEADER_LOCK} archives WAL and runs backups; the others wait and take over when it goes away
 *       (PostgreSQL frees the lock when the holder's session ends);</li>
 *   <li>the leader runs the streaming {@link WalArchiver} and a {@link Scheduler} with the DR plan's daily full backup
 *       at 02:00 UTC ({@code dr.schedule.full-backup.*}) and, when {@code dr.schedule.backup.cron} is set, a second
 *       backup job; the schedule state lives in the repository, so a fire time one replica ran is not run again by
 *       another;</li>
 *   <li>{@code GET /health} (JSON of the {@link BackupMonitor} checks, the database, the archiver and the leadership;
 *       200, or 503 when a check is DOWN) and {@code GET /metrics} (the Micrometer meters of {@link DrMetrics} as
 *       JSON), on the JDK's HTTP server bound to 127.0.0.1;</li>
 *   <li>on SIGTERM (or {@link #close()}), stops taking work, lets a running backup finish (30 s), stops the archiver,
 *       releases the lock.</li>
 * </ul>
 * <pre>{@code java -cp ... io.dr4j.examples.embedded.EmbeddedBackupService service.properties}</pre>
 */
public final class EmbeddedBackupService implements AutoCloseable {
    /** The name of the service-wide leader lock. */
    public static final String LEADER_LOCK = "embedded-backup-service";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBackupService.class);

    private final ServiceSettings settings;
    private final Clock clock;
    private final PostgresBackupSource source;
    private final DisasterRecovery dr;
    private final Repository repository;
    private final PostgresAdvisoryLeaderLock lock;
    private final BackupMonitor monitor;
    private final List<HealthCheck> checks = new ArrayList<>();
    private final DrMetrics metrics;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HealthEndpoint http;
    private final ScheduledExecutorService leadership;
    private final List<JobEvent> events = new CopyOnWriteArrayList<>();
    private volatile LeaderLock.@Nullable Lease lease;
    private volatile @Nullable Scheduler scheduler;
    private volatile @Nullable WalArchiver archiver;
    private volatile boolean closed;

    private EmbeddedBackupService(ServiceSettings s, Clock clock) throws IOException {
        this.settings = s;
        this.clock = clock;
        PgTarget pg = s.postgres();
        PostgresCluster cluster = PostgresCluster.builder().host(pg.host()).port(pg.port()).user(pg.user())
                .password(pg.password()).database(pg.database()).dataDir(s.dataDir()).build();
        this.source = PostgresBackupSource.builder(cluster)
                .mode(s.dataDir() != null ? BackupMode.DIRECT : BackupMode.STREAM).build();
        this.dr = DisasterRecovery.configure().config(s.config()).repository(s.repository()).load();
        this.repository = dr.openRepository(source.systemId(), "postgresql");
        String where = pg.host() + ":" + pg.port() + "/" + pg.database();
        this.lock = new PostgresAdvisoryLeaderLock(() -> cluster.connect(), where);
        this.metrics = new DrMetrics(where, clock);
        metrics.bindTo(registry);
        metrics.refresh(repository);
        this.monitor = BackupMonitor.builder(repository).system(where).clock(clock).configure(s.config()).build();
        checks.addAll(monitor.checks());
        checks.add(PostgresHealthCheck.builder(pg.jdbcUrl()).name("database").user(pg.user()).password(pg.password())
                .requirePrimary(false).build());
        checks.add(new ServiceChecks.Archiver(this));
        checks.add(new ServiceChecks.Leadership(this));
        this.http = new HealthEndpoint(this, s.httpPort());
        this.leadership = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dr4j-leadership");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the HTTP endpoint and the leadership loop (which starts the archiver and scheduler when leading). */
    public static EmbeddedBackupService start(ServiceSettings settings, Clock clock) throws IOException {
        EmbeddedBackupService s = new EmbeddedBackupService(settings, clock);
        s.http.start();
        s.leadership.scheduleWithFixedDelay(s::lead, 0, settings.leaderRetry().toMillis(), TimeUnit.MILLISECONDS);
        log.info("dr4j embedded service on {} for {} (repository {})", s.http.uri(), s.source.systemId(),
                settings.repository());
        return s;
    }

    /** Becomes the leader when the lock is free; steps down when the lease was lost. */
    private synchronized void lead() {
        if (closed) {
            return;
        }
        try {
            LeaderLock.Lease l = lease;
            if (l != null && !l.isValid()) {
                log.warn("Lost the leader lock {}: stopping the archiver and the scheduler", LEADER_LOCK);
                stepDown();
            }
            if (lease == null) {
                Optional<LeaderLock.Lease> got = lock.tryAcquire(LEADER_LOCK);
                if (got.isPresent()) {
                    lease = got.get();
                    becomeLeader();
                }
            }
        } catch (RuntimeException e) {
            log.warn("Leadership check failed (retrying in {}): {}", settings.leaderRetry(), e.getMessage());
        }
    }

    private void becomeLeader() {
        log.info("Leader: starting the WAL archiver (slot {}) and the backup schedule", settings.slot());
        Properties props = new Properties();
        if (settings.postgres().password() != null) {
            props.setProperty("password", settings.postgres().password().reveal());
        }
        WalArchiver a = WalArchiver.builder().jdbcUrl(settings.postgres().jdbcUrl()).user(settings.postgres().user())
                .connectionProperties(props).repository(repository).spoolDir(settings.spoolDir())
                .slotName(settings.slot()).build(); // partial segment every 0.5 s (the default)
        a.start();
        archiver = a;
        Scheduler sch = Scheduler.builder().clock(clock).leaderLock(lock)
                .stateStore(ScheduleStateStore.inTarget(repository.target(), "status/")).build();
        sch.add(ScheduledJob.fromConfig("full-backup", settings.config(), CronSchedule.DAILY_0200,
                ctx -> backup(BackupType.FULL)));
        if (settings.extraCron() != null) {
            sch.add(ScheduledJob.fromConfig("backup", settings.config(), settings.extraCron(),
                    ctx -> backup(settings.extraType())));
        }
        sch.addListener(events::add);
        scheduler = sch.start();
    }

    private void stepDown() {
        Scheduler sch = scheduler;
        scheduler = null;
        if (sch != null) {
            sch.close(Duration.ofSeconds(30));
        }
        WalArchiver a = archiver;
        archiver = null;
        if (a != null) {
            a.close();
        }
        LeaderLock.Lease l = lease;
        lease = null;
        if (l != null) {
            try {
                l.close();
            } catch (Exception e) {
                log.debug("Releasing {}: {}", LEADER_LOCK, e.toString());
            }
        }
    }

    private void backup(BackupType type) {
        long t0 = System.nanoTime();
        try {
            BackupResult r = source.backup(repository, BackupRequest.of(type));
            metrics.backupSucceeded(r.manifest());
            log.info("Backup {} ({}) done in {} ms", r.id(), type, Duration.ofNanos(System.nanoTime() - t0).toMillis());
        } catch (RuntimeException e) {
            metrics.backupFailed(type.name().toLowerCase(java.util.Locale.ROOT), Duration.ofNanos(System.nanoTime() - t0));
            throw e;
        }
    }

    /** Whether this instance holds the leader lock (archives WAL and runs the jobs). */
    public boolean isLeader() {
        LeaderLock.Lease l = lease;
        return l != null && l.isValid();
    }

    /** Waits until this instance leads or {@code timeout} passed. */
    public boolean awaitLeadership(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!isLeader()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /**
     * Starts the jobs due now by the service's clock (the scheduler's thread does this by itself; tests with a
     * controllable clock call it after moving the clock). Nothing runs on a standby.
     */
    public List<Future<?>> runDueJobs() {
        Scheduler s = scheduler;
        return s == null ? List.of() : s.tick();
    }

    /** The archiver, while leading. */
    public Optional<WalArchiver> archiver() {
        return Optional.ofNullable(archiver);
    }

    /** What the scheduler did (started, succeeded, failed, skipped), oldest first. */
    public List<JobEvent> events() {
        return List.copyOf(events);
    }

    public Repository repository() {
        return repository;
    }

    /** The base address of {@code /health} and {@code /metrics}. */
    public java.net.URI uri() {
        return http.uri();
    }

    /** Runs every check (the backup monitor alerts on changes when it has a notifier) and updates the metrics. */
    public List<HealthResult> health() {
        List<HealthResult> results = new ArrayList<>();
        for (HealthCheck c : checks) {
            try {
                results.add(c.check());
            } catch (RuntimeException e) {
                results.add(HealthResult.down(c.name(), "check failed: " + e.getMessage(), Duration.ZERO));
            }
        }
        metrics.checkResults(results);
        return results;
    }

    SimpleMeterRegistry registry() {
        metrics.refresh(repository);
        return registry;
    }

    /** Stops taking work, lets a running job finish (30 s), stops the archiver, releases the lock, closes. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        leadership.shutdownNow();
        http.stop();
        stepDown();
        lock.close();
        repository.close();
        dr.close();
        log.info("dr4j embedded service stopped");
    }

    /** {@code java ... EmbeddedBackupService [service.properties]}: runs until SIGTERM / Ctrl-C. */
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        if (args.length > 0) {
            try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
                p.load(in);
            }
        }
        ServiceSettings settings = ServiceSettings.from(ProviderConfig.from(p, System.getenv()), System.getenv());
        EmbeddedBackupService service = start(settings, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("dr4j embedded service stopping");
            System.out.flush();
            service.close();
            System.out.println("dr4j embedded service stopped cleanly");
            System.out.flush();
            stopped.countDown();
        }, "dr4j-shutdown"));
        System.out.println("dr4j embedded service listening on " + service.uri());
        System.out.flush();
        stopped.await();
    }
}
