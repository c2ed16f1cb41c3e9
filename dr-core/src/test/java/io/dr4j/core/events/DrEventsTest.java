package io.dr4j.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.BackupFailedException;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupId;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.BackupSource;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.backup.retention.Expiry;
import io.dr4j.core.backup.retention.RetentionPolicy;
import io.dr4j.core.backup.verify.ReadDataVerifier;
import io.dr4j.core.metrics.DrMetrics;
import io.dr4j.core.monitor.BackupStatus;
import io.dr4j.core.monitor.BackupStatusRecorder;
import io.dr4j.core.storage.FileBackupTarget;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event SPI on a real file repository, wired as an embedding application wires it
 * ({@code DisasterRecovery.configure().listener(metrics).recordBackupStatus(true)}): backups written through
 * {@link BackupSession} by a source that reports like the PostgreSQL sources do.
 */
class DrEventsTest {
    private static final String SYSTEM = "7301234567890";

    @TempDir
    Path dir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DrMetrics metrics = new DrMetrics("db-prod");
    private final List<DrEvent> events = new CopyOnWriteArrayList<>();
    private DisasterRecovery dr;
    private Repository repo;

    @BeforeEach
    void open() {
        metrics.bindTo(registry);
        dr = DisasterRecovery.configure().target(FileBackupTarget.of(dir.resolve("repo")))
                .listener(e -> {
                    throw new IllegalStateException("a broken listener");
                })
                .listener(metrics).listener(events::add).recordBackupStatus(true).load();
        repo = dr.openRepository(SYSTEM, "postgresql");
    }

    @AfterEach
    void close() {
        dr.close();
    }

    /** Writes one file in a session; fails after writing it when {@code failWith} is set. */
    private static final class FileSource implements BackupSource {
        private final int size;
        private final String failWith;
        private final boolean failBeforeSession;

        FileSource(int size, String failWith, boolean failBeforeSession) {
            this.size = size;
            this.failWith = failWith;
            this.failBeforeSession = failBeforeSession;
        }

        @Override
        public String kind() {
            return "postgresql";
        }

        @Override
        public String systemId() {
            return SYSTEM;
        }

        @Override
        public BackupResult backup(Repository repository, BackupRequest request) {
            return repository.events().observeBackup(request.type(), () -> {
                if (failBeforeSession) {
                    throw new BackupFailedException(failWith);
                }
                Instant started = Instant.now();
                String id = BackupId.generate(started, request.type());
                try (BackupSession s = repository.catalog().begin(id)) {
                    byte[] data = new byte[size];
                    new Random(size).nextBytes(data);
                    StoredObject o = s.writeFile("base/1/1259", new ByteArrayInputStream(data));
                    if (failWith != null) {
                        throw new BackupFailedException(failWith);
                    }
                    BackupFile f = new BackupFile("base/1/1259", BackupFile.Kind.FILE, size, o.storedSize(),
                            o.sha256(), o.key(), null, null, 0600, null, null);
                    BackupManifest m = s.commit(new BackupManifest(BackupManifest.FORMAT_VERSION, id, request.type(),
                            null, SYSTEM, "postgresql", started, Instant.now(), Map.of(), Map.of(), List.of(f), size,
                            o.storedSize()));
                    return new BackupResult(m, Map.of(), java.time.Duration.ZERO, List.of());
                }
            });
        }
    }

    private BackupStatus status() {
        return new BackupStatusRecorder(repo.target()).read().orElseThrow();
    }

    @Test
    void aSuccessfulBackupReachesMetricsAndStatusDespiteABrokenListener() {
        BackupResult r = new FileSource(100_000, null, false).backup(repo, BackupRequest.of(BackupType.FULL));

        assertThat(events).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("BackupStarted", "BackupCompleted");
        DrEvent.BackupCompleted done = (DrEvent.BackupCompleted) events.get(1);
        assertThat(done.backupId()).isEqualTo(r.id());
        assertThat(done.system()).isEqualTo(SYSTEM);
        assertThat(done.bytes()).isEqualTo(100_000);

        assertThat(registry.get("dr4j.backup.duration").tags("system", "db-prod", "type", "full", "outcome", "success")
                .timer().count()).isEqualTo(1);
        assertThat(registry.get("dr4j.backup.size").tags("type", "full", "kind", "original").summary().totalAmount())
                .isEqualTo(100_000.0);
        assertThat(registry.get("dr4j.backup.last.success").gauge().value())
                .isEqualTo(r.manifest().finishedAt().toEpochMilli() / 1000.0);
        assertThat(registry.get("dr4j.backup.age").gauge().value()).isBetween(0.0, 60.0);

        BackupStatus s = status();
        assertThat(s.outcome()).isEqualTo(BackupStatus.SUCCEEDED);
        assertThat(s.backupId()).isEqualTo(r.id());
        assertThat(s.lastSuccessId()).isEqualTo(r.id());

        // the broken listener was called twice, counted, and did not stop the others
        assertThat(repo.events().listenerFailures()).isEqualTo(2);
        assertThat(registry.get("dr4j.events.listener.failures").functionCounter().count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aFailedBackupIsReportedOnceWithItsReasonAndLeavesNothing() {
        new FileSource(1000, null, false).backup(repo, BackupRequest.of(BackupType.FULL));
        events.clear();

        assertThatThrownBy(() -> new FileSource(5000, "pg_backup_start failed: the database system is shutting down",
                false).backup(repo, BackupRequest.of(BackupType.INCR)))
                .isInstanceOf(BackupFailedException.class);

        assertThat(events).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("BackupStarted", "BackupFailed");
        DrEvent.BackupStarted started = (DrEvent.BackupStarted) events.get(0);
        DrEvent.BackupFailed failed = (DrEvent.BackupFailed) events.get(1);
        assertThat(failed.backupId()).isEqualTo(started.backupId()).endsWith("-incr");
        assertThat(failed.type()).isEqualTo("incr");
        assertThat(failed.reason()).isEqualTo("pg_backup_start failed: the database system is shutting down");
        assertThat(repo.catalog().leftovers()).isEmpty();

        assertThat(registry.get("dr4j.backup.duration").tags("type", "incr", "outcome", "failure").timer().count())
                .isEqualTo(1);
        BackupStatus s = status();
        assertThat(s.failed()).isTrue();
        assertThat(s.backupId()).isEqualTo(failed.backupId());
        assertThat(s.reason()).isEqualTo("pg_backup_start failed: the database system is shutting down");
        assertThat(s.consecutiveFailures()).isEqualTo(1);
        assertThat(s.lastSuccessId()).isEqualTo(repo.catalog().latest().orElseThrow().id());
    }

    @Test
    void aFailureBeforeAnyObjectWasWrittenIsReportedWithTheIdTheBackupWouldHaveHad() {
        assertThatThrownBy(() -> new FileSource(0, "The server at db:5432 is a standby; take backups from the primary",
                true).backup(repo, BackupRequest.of(BackupType.FULL))).isInstanceOf(BackupFailedException.class);

        assertThat(events).hasSize(1).first().isInstanceOfSatisfying(DrEvent.BackupFailed.class, f -> {
            assertThat(f.backupId()).endsWith("-full");
            assertThat(f.reason()).contains("is a standby");
        });
        assertThat(status().reason()).contains("is a standby");
        assertThat(status().consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void aSessionAbandonedOutsideAnObservedBackupIsStillReported() {
        String id = BackupId.generate(Instant.now(), BackupType.DIFF);
        try (BackupSession s = repo.catalog().begin(id)) {
            s.writeFile("x", new ByteArrayInputStream(new byte[10]));
        }
        assertThat(events).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("BackupStarted", "BackupFailed");
        DrEvent.BackupFailed f = (DrEvent.BackupFailed) events.get(1);
        assertThat(f.type()).isEqualTo("diff");
        assertThat(f.reason()).contains("abandoned before its manifest was written");
        assertThat(status().failed()).isTrue();
    }

    @Test
    void nestedObservationReportsOnce() {
        assertThatThrownBy(() -> repo.events().observeBackup(BackupType.FULL, () ->
                new FileSource(10, "boom", false).backup(repo, BackupRequest.of(BackupType.FULL))))
                .hasMessage("boom");
        assertThat(events.stream().filter(DrEvent.BackupFailed.class::isInstance)).hasSize(1);
    }

    @Test
    void verificationAndExpiryAreReported() throws Exception {
        new FileSource(1000, null, false).backup(repo, BackupRequest.of(BackupType.FULL));
        Thread.sleep(5);
        new FileSource(2000, null, false).backup(repo, BackupRequest.of(BackupType.FULL));
        events.clear();

        var record = new ReadDataVerifier(repo).run();
        assertThat(record.passed()).isTrue();
        assertThat(events).singleElement().isInstanceOfSatisfying(DrEvent.VerificationCompleted.class,
                v -> assertThat(v.record()).isEqualTo(record));
        assertThat(registry.get("dr4j.verification").tags("result", "passed").counter().count()).isEqualTo(1);
        assertThat(registry.get("dr4j.verification.duration").tags("result", "passed").timer().count()).isEqualTo(1);

        events.clear();
        var report = new Expiry(repo, new RetentionPolicy.KeepLast(1)).run();
        assertThat(report.deletedBackups()).hasSize(1);
        assertThat(events).singleElement().isInstanceOfSatisfying(DrEvent.ExpiryCompleted.class,
                e -> assertThat(e.report()).isEqualTo(report));
        assertThat(registry.get("dr4j.expiry.backups").counter().count()).isEqualTo(1);
        assertThat(registry.get("dr4j.expiry.freed").counter().count()).isEqualTo(report.bytesFreed());
    }

    @Test
    void listenersAddedAfterOpeningAndRestoreObservation() {
        List<DrEvent> late = new CopyOnWriteArrayList<>();
        repo.events().add(late::add);
        assertThatThrownBy(() -> repo.events().observeRestore("test", "b1", () -> {
            throw new io.dr4j.core.restore.RestoreFailedException("No backup b1", null);
        })).hasMessage("No backup b1");
        assertThat(late).singleElement().isInstanceOfSatisfying(DrEvent.RestoreFailed.class, f -> {
            assertThat(f.backupId()).isEqualTo("b1");
            assertThat(f.reason()).isEqualTo("No backup b1");
        });
        assertThat(registry.get("dr4j.restore.duration").tags("outcome", "failure").timer().count()).isEqualTo(1);
        repo.events().walArchived("000000010000000000000003", false, 4096);
        assertThat(registry.get("dr4j.wal.archived").tags("partial", "false").counter().count()).isEqualTo(1);
        assertThat(registry.get("dr4j.wal.archive.lag.bytes").gauge().value()).isEqualTo(4096.0);
        assertThat(registry.get("dr4j.wal.archive.lag").gauge().value()).isBetween(0.0, 60.0);
    }
}
