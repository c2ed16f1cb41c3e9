package io.dr4j.core.monitor;

import io.dr4j.core.schedule.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import io.dr4j.core.alert.Alert;
import io.dr4j.core.alert.Notifier;
import io.dr4j.core.alert.Severity;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor on a real file repository whose backups are written through BackupSession. */
class BackupMonitorTest {
    private static final Instant T0 = Instant.parse("2026-11-20T02:00:00Z");

    @TempDir
    Path dir;
    private Repository repo;
    private final ManualClock clock = new ManualClock(T0);
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final Notifier notifier = new Notifier() {
        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void notify(Alert alert) {
            alerts.add(alert);
        }
    };

    @BeforeEach
    void open() {
        repo = Repository.openOrInit(FileBackupTarget.of(dir.resolve("repo")), RepositoryOptions.DEFAULT, "7301234567890",
                "postgresql");
    }

    private BackupManifest backup(String id, Instant started, Duration took, int size) throws Exception {
        BackupSession s = repo.catalog().begin(id);
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        StoredObject o = s.writeFile("base/1/1259", new ByteArrayInputStream(data));
        BackupFile f = new BackupFile("base/1/1259", BackupFile.Kind.FILE, size, o.storedSize(), o.sha256(), o.key(),
                null, null, 0600, null, null);
        return s.commit(new BackupManifest(BackupManifest.FORMAT_VERSION, id, BackupType.FULL, null, "7301234567890",
                "postgresql", started, started.plus(took), Map.of(), Map.of(), List.of(f), size, o.storedSize()));
    }

    private BackupMonitor.Builder monitor() {
        return BackupMonitor.builder(repo).system("db-prod").clock(clock).notifier(notifier);
    }

    private static HealthResult result(List<HealthResult> rs, String name) {
        return rs.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void alertsWhenTheNewestBackupIsOlderThan24HoursAndResolvesAfterTheNextBackup() throws Exception {
        backup("20261120T020000Z-full", T0, Duration.ofMinutes(20), 10_000);
        BackupMonitor m = monitor().build();
        clock.set(T0.plus(Duration.ofHours(3)));
        List<HealthResult> rs = m.run();
        assertThat(rs).extracting(HealthResult::name).containsExactly("backup-age", "backup-failures", "backup-size");
        assertThat(rs).allMatch(HealthResult::isUp);
        assertThat(alerts).isEmpty();

        // no backup for a day: the newest one is now 26 h old
        clock.set(T0.plus(Duration.ofHours(26).plusMinutes(20)));
        HealthResult age = result(m.run(), "backup-age");
        assertThat(age.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(age.message()).isEqualTo("Newest backup 20261120T020000Z-full is 26.0 h old (limit 24.0 h): "
                + "backups are not running or failing");
        assertThat(age.details()).containsEntry("newestBackup", "20261120T020000Z-full")
                .containsEntry("ageSeconds", 93600L);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.title()).isEqualTo("db-prod: backup-age DOWN");
            assertThat(a.dedupKey()).isEqualTo("dr4j:db-prod:backup-age");
            assertThat(a.fields()).containsEntry("newestBackup", "20261120T020000Z-full");
        });
        assertThat(m.asHealthCheck().check().status()).isEqualTo(HealthStatus.DOWN);

        clock.set(clock.instant().plus(Duration.ofHours(1)));
        m.run();
        assertThat(alerts).as("not repeated within the re-notify interval").hasSize(1);
        clock.set(clock.instant().plus(Duration.ofHours(4)));
        m.run();
        assertThat(alerts).as("repeated after 4 h while it lasts").hasSize(2);

        backup("20261121T080000Z-full", clock.instant().minusSeconds(1200), Duration.ofMinutes(15), 10_500);
        assertThat(result(m.run(), "backup-age").status()).isEqualTo(HealthStatus.UP);
        assertThat(alerts).hasSize(3);
        assertThat(alerts.get(2).resolved()).isTrue();
        assertThat(alerts.get(2).dedupKey()).isEqualTo("dr4j:db-prod:backup-age");
        assertThat(m.asHealthCheck().check().status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void anEmptyRepositoryIsDown() {
        HealthResult r = new BackupAgeCheck(repo, Duration.ofHours(24), clock).check();
        assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(r.message()).startsWith("No complete backup in ");
    }

    @Test
    void reportsAFailedBackupWithItsReasonAndLeftovers() throws Exception {
        BackupManifest ok = backup("20261120T020000Z-full", T0, Duration.ofMinutes(20), 5_000);
        BackupStatusRecorder status = new BackupStatusRecorder(repo.target(), clock);
        status.succeeded(ok);
        // the next backup dies halfway: objects without a manifest, and a failure record with the reason
        clock.set(T0.plus(Duration.ofDays(1)));
        status.started("20261121T020000Z-full", BackupType.FULL);
        // what a backup process that died halfway leaves behind: data objects, no manifest
        repo.write("backups/20261121T020000Z-full/data/base/1/1259", new ByteArrayInputStream(new byte[100]));
        BackupFailureCheck check = new BackupFailureCheck(repo, Duration.ofHours(12), clock);
        assertThat(check.check().status()).as("running: its objects are not leftovers yet").isEqualTo(HealthStatus.UP);
        clock.set(clock.instant().plusSeconds(600));
        status.failed("20261121T020000Z-full", BackupType.FULL, T0.plus(Duration.ofDays(1)),
                "pg_backup_start failed: FATAL: the database system is shutting down");

        HealthResult r = check.check();
        assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(r.message()).isEqualTo("Backup 20261121T020000Z-full failed at 2026-11-21T02:10:00Z: "
                + "pg_backup_start failed: FATAL: the database system is shutting down. Leftovers without manifest: "
                + "20261121T020000Z-full");
        assertThat(r.details()).containsEntry("lastSuccess", "20261120T020000Z-full")
                .containsEntry("consecutiveFailures", 1);
        assertThat(status.read()).get().extracting(BackupStatus::consecutiveFailures).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("repo").resolve(BackupStatusRecorder.KEY)))
                .contains("\"outcome\" : \"failed\"");

        // a later success clears the failure; the leftovers remain until cleaned up
        BackupManifest next = backup("20261122T020000Z-full", T0.plus(Duration.ofDays(2)), Duration.ofMinutes(20), 5_000);
        status.succeeded(next);
        HealthResult after = check.check();
        assertThat(after.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(after.message()).startsWith("1 backup(s) left objects without a manifest (failed or interrupted): "
                + "20261121T020000Z-full");
        repo.catalog().deleteObjects("20261121T020000Z-full");
        assertThat(check.check().status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void theObjectsOfABackupHoldingTheRepositoryLockAreNotLeftovers() throws Exception {
        clock.set(Instant.now());
        BackupFailureCheck check = new BackupFailureCheck(repo, Duration.ofHours(12), clock);
        try (BackupSession running = repo.catalog().begin("20261126T020000Z-full")) {
            running.writeFile("base/1/1259", new ByteArrayInputStream(new byte[100]));
            HealthResult r = check.check();
            assertThat(r.status()).as(r.message()).isEqualTo(HealthStatus.UP);
            assertThat(r.details()).containsEntry("running", "20261126T020000Z-full");
            // an hour later without heartbeat (the process is gone) the same objects are leftovers
            clock.set(Instant.now().plus(Duration.ofHours(1)));
            assertThat(check.check().status()).isEqualTo(HealthStatus.DEGRADED);
        }
    }

    @Test
    void aBackupRunningFarTooLongIsReported() {
        BackupStatusRecorder status = new BackupStatusRecorder(repo.target(), clock);
        status.started("20261120T020000Z-full", BackupType.FULL);
        clock.set(T0.plus(Duration.ofHours(13)));
        HealthResult r = new BackupFailureCheck(repo, Duration.ofHours(12), clock).check();
        assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(r.message()).contains("has been running for 13.0 h (limit 12.0 h)");
    }

    @Test
    void flagsABackupWhoseSizeDeviatesFromTheMedian() throws Exception {
        int[] sizes = {10_000, 11_000, 10_500, 3_000};
        for (int i = 0; i < sizes.length; i++) {
            Instant start = T0.plus(Duration.ofDays(i));
            backup(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'-'full'").withZone(ZoneOffset.UTC)
                    .format(start), start, Duration.ofMinutes(10), sizes[i]);
        }
        BackupSizeCheck check = new BackupSizeCheck(repo, 50, 7, clock);
        HealthResult r = check.check();
        assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(r.message()).startsWith("Backup 20261123T020000Z-full is 2.9 KiB, -71.4% from the median 10.3 KiB "
                + "of the last 3 full backups (limit ±50.0%)");
        assertThat(r.details()).containsEntry("medianSize", 10_500L).containsEntry("deviationPercent", -71.4);
        backup("20261124T020000Z-full", T0.plus(Duration.ofDays(4)), Duration.ofMinutes(10), 10_800);
        assertThat(check.check().status()).isEqualTo(HealthStatus.UP);
        assertThat(BackupSizeCheck.median(new long[] {1, 2, 3, 4})).isEqualTo(2);
    }

    @Test
    void walLagReportsTheRpoExposureFromTheArchiveAndTheServerPosition() throws Exception {
        for (String seg : List.of("000000010000000000000001", "000000010000000000000002", "000000010000000000000003")) {
            Path f = dir.resolve(seg);
            Files.write(f, seg.getBytes());
            repo.wal().push(seg, f);
        }
        Path partial = dir.resolve("p");
        Files.write(partial, new byte[10]);
        Clock real = Clock.systemUTC();
        String[] current = {"000000010000000000000004"};
        WalLagCheck check = new WalLagCheck(repo, Duration.ofMinutes(10), () -> current[0], 2,
                WalLagCheck.DEFAULT_SEGMENT_SIZE, real);
        HealthResult r = check.check();
        assertThat(r.status()).as(r.message()).isEqualTo(HealthStatus.UP);
        assertThat(r.details()).containsEntry("newestSegment", "000000010000000000000003")
                .containsEntry("segmentsBehind", 0L);

        current[0] = "000000010000000000000009";
        HealthResult behind = check.check();
        assertThat(behind.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(behind.message()).contains("server at 000000010000000000000009, 5 complete segment(s) (80.0 MiB) "
                + "not archived (limit 2)").contains("RPO exposure is growing");
        assertThat(behind.details()).containsEntry("lagBytes", 5L * 16 * 1024 * 1024);

        // a streaming archiver's partial copy of the current segment: archived up to the last few seconds
        repo.wal().pushPartial("000000010000000000000009", Files.newInputStream(partial));
        HealthResult streaming = check.check();
        assertThat(streaming.status()).isEqualTo(HealthStatus.UP);
        assertThat(streaming.details()).containsEntry("segmentsBehind", 0L).containsEntry("newestIsPartial", true);

        // judged by age only, two hours later
        WalLagCheck byAge = new WalLagCheck(repo, Duration.ofHours(1), null, 0, WalLagCheck.DEFAULT_SEGMENT_SIZE,
                Clock.offset(real, Duration.ofHours(2)));
        HealthResult old = byAge.check();
        assertThat(old.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(old.message()).contains("nothing archived for longer than 60 min");
        // segment numbers cross the 'log' boundary: 255 segments of 16 MiB per 4 GiB
        assertThat(check.segmentNumber("000000010000000100000000") - check.segmentNumber("0000000100000000000000FF"))
                .isEqualTo(1);
    }

    @Test
    void noWalAtAllIsDown() {
        HealthResult r = new WalLagCheck(repo, Duration.ofMinutes(10), null, 0, WalLagCheck.DEFAULT_SEGMENT_SIZE, clock)
                .check();
        assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(r.message()).contains("point-in-time recovery is impossible");
    }

    @Test
    void storageQuotaAndLocalCapacity() throws Exception {
        backup("20261120T020000Z-full", T0, Duration.ofMinutes(20), 50_000);
        HealthResult over = new StorageQuotaCheck(repo.target(), 40_000, 80, 95, clock).check();
        assertThat(over.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(over.message()).contains("quota used").contains("expire old backups or raise the quota");
        HealthResult warn = new StorageQuotaCheck(repo.target(), 60_000, 80, 95, clock).check();
        assertThat(warn.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(new StorageQuotaCheck(repo.target(), 10_000_000, 80, 95, clock).check().status())
                .isEqualTo(HealthStatus.UP);

        HealthResult full = new StorageCapacityCheck(dir, Long.MAX_VALUE, 0, clock).check();
        assertThat(full.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(full.message()).contains("below the minimum");
        assertThat(new StorageCapacityCheck(dir, 1, 0, clock).check().status()).isEqualTo(HealthStatus.UP);
        assertThat(new StorageCapacityCheck(dir, 1, 100.1, clock).check().status()).isEqualTo(HealthStatus.DEGRADED);

        BackupMonitor m = monitor().localCapacity(dir, Long.MAX_VALUE, 0).objectStoreQuota(40_000)
                .walLag(Duration.ofHours(1), null, 2).build();
        clock.set(T0.plus(Duration.ofHours(1)));
        List<HealthResult> rs = m.run();
        assertThat(rs).extracting(HealthResult::name).containsExactly("backup-age", "backup-failures", "backup-size",
                "storage-capacity", "storage-quota", "wal-lag");
        assertThat(alerts).extracting(Alert::title).containsExactly("db-prod: storage-capacity DOWN",
                "db-prod: storage-quota DOWN", "db-prod: wal-lag DOWN");
    }

    @Test
    void isConfiguredFromDrMonitorKeys() throws Exception {
        backup("20261120T020000Z-full", T0, Duration.ofMinutes(20), 5_000);
        BackupMonitor m = monitor().configure(io.dr4j.core.config.ProviderConfig.of(Map.of(
                "dr.monitor.max-backup-age", "2h", "dr.monitor.quota-bytes", "1000",
                "dr.monitor.local-path", dir.toString(), "dr.monitor.wal-max-age", "30m"))).build();
        clock.set(T0.plus(Duration.ofHours(3)));
        List<HealthResult> rs = m.run();
        assertThat(rs).extracting(HealthResult::name).containsExactly("backup-age", "backup-failures", "backup-size",
                "storage-capacity", "storage-quota", "wal-lag");
        assertThat(result(rs, "backup-age").message()).contains("(limit 2.0 h)");
        assertThat(result(rs, "storage-quota").status()).isEqualTo(HealthStatus.DOWN);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> monitor().configure(io.dr4j.core.config.ProviderConfig
                .of(Map.of("dr.monitor.max-backup-age", "one day"))))
                .isInstanceOf(io.dr4j.core.ConfigurationException.class)
                .hasMessageContaining("dr.monitor.max-backup-age must be a duration");
    }

}
