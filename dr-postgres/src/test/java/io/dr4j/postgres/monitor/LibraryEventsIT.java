package io.dr4j.postgres.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.alert.Alert;
import io.dr4j.core.alert.Notifier;
import io.dr4j.core.alert.Severity;
import io.dr4j.core.backup.BackupFailedException;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.events.DrEvent;
import io.dr4j.core.metrics.DrMetrics;
import io.dr4j.core.monitor.BackupMonitor;
import io.dr4j.core.monitor.BackupStatus;
import io.dr4j.core.monitor.BackupStatusRecorder;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.postgres.BackupMode;
import io.dr4j.postgres.PostgresBackupSource;
import io.dr4j.postgres.PostgresCluster;
import io.dr4j.postgres.PostgresRestoreStrategy;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;
import io.dr4j.postgres.wal.WalPush;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's own backup, restore and WAL paths on a real PostgreSQL 15 cluster feed the listeners an embedding
 * application registers ({@code DisasterRecovery.configure().listener(metrics).recordBackupStatus(true)}): Micrometer
 * meters, {@code status/last-backup.json}, and through it the backup monitor's alert with the failure's reason. No
 * CLI involved; one listener throws on every event and changes nothing.
 */
class LibraryEventsIT {

    @Test
    void backupsRestoresAndWalReachMetricsStatusAndTheMonitor(@TempDir Path dir) throws Exception {
        Processes.makeTraversable(dir);
        PostgresBinaries pg15 = PostgresBinaries.installed(15).orElseThrow();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DrMetrics metrics = new DrMetrics("db-prod");
        metrics.bindTo(registry);
        List<DrEvent> events = new CopyOnWriteArrayList<>();
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
        Notifier notifier = new Notifier() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public void notify(Alert alert) {
                alerts.add(alert);
            }
        };
        try (ScratchCluster pg = ScratchCluster.builder().binaries(pg15).setting("wal_keep_size", "1GB").start();
             DisasterRecovery dr = DisasterRecovery.configure().target(FileBackupTarget.of(dir.resolve("repo")))
                     .listener(e -> {
                         throw new IllegalStateException("listener bug");
                     })
                     .listener(metrics).listener(events::add).listener(e -> delivered.incrementAndGet())
                     .recordBackupStatus(true).load()) {
            PostgresCluster local = PostgresCluster.builder().host("127.0.0.1").port(pg.port()).user("postgres")
                    .dataDir(pg.dataDir()).build();
            PostgresCluster remote = PostgresCluster.builder().host("127.0.0.1").port(pg.port()).user("postgres").build();
            String systemId = local.inspect().systemId();
            Repository repo = dr.openRepository(systemId, "postgresql");
            BackupStatusRecorder status = new BackupStatusRecorder(repo.target());
            BackupMonitor monitor = BackupMonitor.builder(repo).system("db-prod").notifier(notifier).build();

            // 1. a failure before anything is written: direct mode without a data directory
            assertThatThrownBy(() -> PostgresBackupSource.builder(remote).mode(BackupMode.DIRECT).build()
                    .backup(repo, BackupRequest.of(BackupType.FULL))).isInstanceOf(BackupFailedException.class);
            assertThat(events).singleElement().isInstanceOfSatisfying(DrEvent.BackupFailed.class,
                    f -> assertThat(f.reason()).startsWith("Direct mode needs the data directory"));
            assertThat(status.read().orElseThrow().reason()).startsWith("Direct mode needs the data directory");

            // 2. a real full backup
            events.clear();
            BackupResult full = PostgresBackupSource.builder(local).mode(BackupMode.DIRECT).build()
                    .backup(repo, BackupRequest.of(BackupType.FULL).withParallelism(2));
            assertThat(events).extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("BackupStarted", "BackupCompleted");
            assertThat(((DrEvent.BackupStarted) events.get(0)).backupId()).isEqualTo(full.id());
            assertThat(registry.get("dr4j.backup.duration").tags("system", "db-prod", "type", "full", "outcome",
                    "success").timer().count()).isEqualTo(1);
            assertThat(registry.get("dr4j.backup.duration").tags("type", "full", "outcome", "failure").timer().count())
                    .isEqualTo(1);
            assertThat(registry.get("dr4j.backup.size").tags("type", "full", "kind", "original").summary()
                    .totalAmount()).isEqualTo((double) full.manifest().size()).isGreaterThan(20_000_000);
            assertThat(registry.get("dr4j.backup.size").tags("type", "full", "kind", "stored").summary()
                    .totalAmount()).isEqualTo((double) full.manifest().storedSize());
            assertThat(registry.get("dr4j.backup.last.success").gauge().value())
                    .isEqualTo(full.manifest().finishedAt().toEpochMilli() / 1000.0);
            BackupStatus ok = status.read().orElseThrow();
            assertThat(ok.outcome()).isEqualTo(BackupStatus.SUCCEEDED);
            assertThat(ok.backupId()).isEqualTo(full.id());
            assertThat(monitor.run()).filteredOn(r -> r.name().equals("backup-failures")).singleElement()
                    .satisfies(r -> assertThat(r.status().name()).isEqualTo("UP"));

            // 3. a failure inside the session: stream mode, the WAL never archived within the timeout
            events.clear();
            assertThatThrownBy(() -> PostgresBackupSource.builder(remote).mode(BackupMode.STREAM).clientTools(pg15)
                    .walTimeout(Duration.ofSeconds(1)).build().backup(repo, BackupRequest.of(BackupType.INCR)))
                    .isInstanceOf(BackupFailedException.class).hasMessageContaining("did not reach the repository");
            assertThat(events).extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("BackupStarted", "BackupFailed");
            DrEvent.BackupFailed failed = (DrEvent.BackupFailed) events.get(1);
            assertThat(failed.backupId()).isEqualTo(((DrEvent.BackupStarted) events.get(0)).backupId()).endsWith("-incr");
            assertThat(failed.reason()).contains("did not reach the repository within PT1S");
            assertThat(repo.catalog().leftovers()).as("the aborted session removed its objects").isEmpty();
            assertThat(registry.get("dr4j.backup.duration").tags("type", "incr", "outcome", "failure").timer().count())
                    .isEqualTo(1);
            BackupStatus bad = status.read().orElseThrow();
            assertThat(bad.failed()).isTrue();
            assertThat(bad.backupId()).isEqualTo(failed.backupId());
            assertThat(bad.reason()).isEqualTo(failed.reason());
            assertThat(bad.lastSuccessId()).isEqualTo(full.id());

            // the monitor alerts from the status the library wrote
            monitor.run();
            assertThat(alerts).filteredOn(a -> a.dedupKey().equals("dr4j:db-prod:backup-failures")).singleElement()
                    .satisfies(a -> {
                        assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
                        assertThat(a.resolved()).isFalse();
                        assertThat(a.message()).contains(failed.backupId()).contains("did not reach the repository");
                    });

            // 4. WAL through archive_command's entry point
            events.clear();
            String switched;
            try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t AS SELECT 1 AS i");
                try (ResultSet rs = s.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                    rs.next();
                    switched = rs.getString(1);
                }
            }
            new WalPush(repo).push(pg.dataDir().resolve("pg_wal").resolve(switched));
            assertThat(events).singleElement().isInstanceOfSatisfying(DrEvent.WalArchived.class, w -> {
                assertThat(w.name()).isEqualTo(switched);
                assertThat(w.partial()).isFalse();
            });
            assertThat(registry.get("dr4j.wal.archived").tags("partial", "false").counter().count()).isEqualTo(1);
            assertThat(registry.get("dr4j.wal.archive.lag").gauge().value()).isBetween(0.0, 60.0);

            // 5. a restore, and a refused one
            events.clear();
            PostgresRestoreStrategy strategy = PostgresRestoreStrategy.builder().binaries(pg15).build();
            RestoreResult restored = strategy.restore(repo, RestoreRequest.to(dir.resolve("restored"))
                    .withBackup(full.id()).withTarget(RecoveryTarget.immediate()));
            assertThat(events).singleElement().isInstanceOfSatisfying(DrEvent.RestoreCompleted.class, r -> {
                assertThat(r.result()).isEqualTo(restored);
                assertThat(r.strategy()).isEqualTo("postgres-physical");
            });
            assertThat(registry.get("dr4j.restore.duration").tags("outcome", "success").timer().count()).isEqualTo(1);
            assertThat(registry.get("dr4j.restore.duration").tags("outcome", "success").timer()
                    .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isEqualTo(restored.total().toNanos());

            events.clear();
            // the destination holds the first restore now: refused before anything is written
            assertThatThrownBy(() -> strategy.restore(repo, RestoreRequest.to(dir.resolve("restored"))
                    .withBackup(full.id()).withTarget(RecoveryTarget.immediate())))
                    .isInstanceOf(RestoreFailedException.class);
            assertThat(events).singleElement().isInstanceOfSatisfying(DrEvent.RestoreFailed.class, r -> {
                assertThat(r.backupId()).isEqualTo(full.id());
                assertThat(r.reason()).contains(dir.resolve("restored").toString());
            });
            assertThat(registry.get("dr4j.restore.duration").tags("outcome", "failure").timer().count()).isEqualTo(1);

            // the throwing listener saw every event, was counted each time, and failed nothing
            assertThat(delivered.get()).as("1 + 2 + 2 backup, 1 WAL, 2 restore events").isEqualTo(8);
            assertThat(repo.events().listenerFailures()).isEqualTo(delivered.get());
            assertThat(Files.exists(dir.resolve("restored").resolve("PG_VERSION"))).isTrue();
        }
    }
}
