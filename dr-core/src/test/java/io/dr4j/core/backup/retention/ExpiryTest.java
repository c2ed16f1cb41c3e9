package io.dr4j.core.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupId;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.backup.WalNames;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpiryTest {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    @TempDir
    Path dir;
    Repository repo;

    @BeforeEach
    void setUp() {
        repo = Repository.openOrInit(FileBackupTarget.of(dir.resolve("repo")), RepositoryOptions.DEFAULT, "sys", "postgresql");
    }

    private String backup(Instant start, BackupType type, String parent, long startSeg) {
        BackupSession s = repo.catalog().begin(BackupId.generate(start, type));
        StoredObject o = s.writeFile("base/1/1", new ByteArrayInputStream(new byte[2048]));
        s.commit(new BackupManifest(1, s.id(), type, parent, "sys", "postgresql", start, start.plusSeconds(60),
                Map.of("startWalFile", WalNames.segmentName(1, startSeg * WalNames.DEFAULT_SEGMENT_SIZE, WalNames.DEFAULT_SEGMENT_SIZE),
                        "timeline", "1"), Map.of(),
                List.of(new BackupFile("base/1/1", BackupFile.Kind.FILE, o.size(), o.storedSize(), o.sha256(), o.key(),
                        null, null, 0600, null, null)), o.size(), o.storedSize()));
        return s.id();
    }

    private void wal(long fromSeg, long toSeg) throws Exception {
        for (long i = fromSeg; i <= toSeg; i++) {
            String name = WalNames.segmentName(1, i * WalNames.DEFAULT_SEGMENT_SIZE, WalNames.DEFAULT_SEGMENT_SIZE);
            Path f = dir.resolve(name);
            Files.write(f, ("segment " + i).getBytes());
            repo.wal().push(name, f);
        }
        Path h = dir.resolve("00000002.history");
        Files.writeString(h, "1\t0/9000000\tno recovery target specified\n");
        repo.wal().push("00000002.history", h);
    }

    private Expiry expiry(RetentionPolicy p) {
        return new Expiry(repo, p, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1));
    }

    @Test
    void deletesOldBackupsAndTheirWalButNotWhatKeptBackupsNeed() throws Exception {
        String old = backup(NOW.minus(Duration.ofDays(40)), BackupType.FULL, null, 1);
        String oldIncr = backup(NOW.minus(Duration.ofDays(39)), BackupType.INCR, old, 3);
        String base = backup(NOW.minus(Duration.ofDays(20)), BackupType.FULL, null, 5);
        String incr = backup(NOW.minus(Duration.ofDays(2)), BackupType.INCR, base, 8);
        wal(1, 10);

        ExpiryPlan plan = expiry(RetentionPolicy.keepFor(Duration.ofDays(30))).plan();
        assertThat(plan.delete()).containsExactly(old, oldIncr);
        assertThat(plan.keep()).containsKeys(base, incr);
        assertThat(plan.walKeptFrom()).isEqualTo("0000000000000005");
        assertThat(plan.walToDelete()).extracting(WalSegment::name).hasSize(4)
                .allMatch(n -> WalNames.position(n).compareTo("0000000000000005") < 0);
        // planning changed nothing
        assertThat(repo.catalog().list()).hasSize(4);

        ExpiryReport report = expiry(RetentionPolicy.keepFor(Duration.ofDays(30))).execute(plan);
        assertThat(report.deletedBackups()).containsExactlyInAnyOrder(old, oldIncr);
        assertThat(report.deletedWal()).isEqualTo(4);
        assertThat(report.bytesFreed()).isPositive();
        assertThat(repo.catalog().list()).extracting(BackupManifest::id).containsExactly(base, incr);
        assertThat(repo.wal().list("00000001")).hasSize(6);
        assertThat(repo.wal().list("00000002")).extracting(WalSegment::name).containsExactly("00000002.history");
        assertThat(repo.target().listAll("backups/" + old + "/")).isEmpty();
        // the kept chain still reads
        assertThat(repo.catalog().chain(repo.catalog().get(incr))).hasSize(2);
    }

    @Test
    void aPolicyThatWouldDeleteEverythingIsRefusedAndNothingChanges() throws Exception {
        backup(NOW.minus(Duration.ofDays(40)), BackupType.FULL, null, 1);
        backup(NOW.minus(Duration.ofDays(35)), BackupType.FULL, null, 3);
        wal(1, 4);
        assertThatThrownBy(() -> expiry(RetentionPolicy.keepFor(Duration.ofDays(30))).plan())
                .isInstanceOf(RetentionException.class)
                .hasMessageContaining("would delete every physical backup").hasMessageContaining("Nothing was deleted");
        assertThat(repo.catalog().list()).hasSize(2);
    }

    @Test
    void leftoversOfFailedBackupsAreRemovedOnlyAfterTheGracePeriod() throws Exception {
        backup(NOW.minus(Duration.ofDays(1)), BackupType.FULL, null, 1);
        // what a crashed backup leaves: data objects, no manifest (its process, and so its lock, are gone)
        repo.write("backups/20261126T110000Z-full/data/base/1/2", new ByteArrayInputStream(new byte[10]));
        assertThat(repo.catalog().leftovers()).containsExactly("20261126T110000Z-full");
        Path obj = dir.resolve("repo/backups/20261126T110000Z-full/data/base/1/2.zst");
        Files.setLastModifiedTime(obj, java.nio.file.attribute.FileTime.from(NOW.minus(Duration.ofMinutes(10))));
        assertThat(expiry(RetentionPolicy.keepLast(1)).plan().leftovers()).isEmpty(); // may still be running
        Files.setLastModifiedTime(obj, java.nio.file.attribute.FileTime.from(NOW.minus(Duration.ofHours(2))));
        ExpiryReport r = expiry(RetentionPolicy.keepLast(1)).run();
        assertThat(r.leftoversRemoved()).containsExactly("20261126T110000Z-full");
        assertThat(repo.catalog().leftovers()).isEmpty();
        assertThat(repo.catalog().list()).hasSize(1);
    }

    @Test
    void interruptedExpiryLeavesEveryListedBackupWhole() throws Exception {
        String a = backup(NOW.minus(Duration.ofDays(50)), BackupType.FULL, null, 1);
        String b = backup(NOW.minus(Duration.ofDays(49)), BackupType.INCR, a, 2);
        String c = backup(NOW.minus(Duration.ofDays(1)), BackupType.FULL, null, 4);
        wal(1, 5);
        ExpiryPlan plan = expiry(RetentionPolicy.keepLast(1)).plan();
        assertThat(plan.delete()).containsExactly(a, b);
        // simulate a crash after the first deletion the executor makes (newest first: b), before a
        repo.catalog().delete(b);
        for (BackupManifest m : repo.catalog().list()) {
            assertThat(repo.catalog().chain(m)).isNotEmpty(); // no listed backup lost its parent
        }
        ExpiryReport r = expiry(RetentionPolicy.keepLast(1)).run();
        assertThat(r.deletedBackups()).containsExactly(a);
        assertThat(repo.catalog().list()).extracting(BackupManifest::id).containsExactly(c);
    }

    @Test
    void expiryWaitsForNoBackupButRefusesWhileOneRuns() throws Exception {
        backup(NOW.minus(Duration.ofDays(40)), BackupType.FULL, null, 1);
        backup(NOW.minus(Duration.ofDays(1)), BackupType.FULL, null, 3);
        try (BackupSession running = repo.catalog().begin("20261126T115900Z-full")) {
            assertThatThrownBy(() -> expiry(RetentionPolicy.keepLast(1)).run())
                    .isInstanceOf(io.dr4j.core.backup.RepositoryLock.RepositoryLockedException.class)
                    .hasMessageContaining("backup 20261126T115900Z-full").hasMessageContaining("pid");
            // and a second backup at the same time is refused clearly too
            assertThatThrownBy(() -> repo.catalog().begin("20261126T115901Z-full"))
                    .isInstanceOf(io.dr4j.core.backup.RepositoryLock.RepositoryLockedException.class)
                    .hasMessageContaining("is locked by backup 20261126T115900Z-full");
            assertThat(repo.catalog().list()).hasSize(2);
        }
        assertThat(expiry(RetentionPolicy.keepLast(1)).run().deletedBackups()).hasSize(1);
    }

    @Test
    void parsesPolicies() {
        assertThat(RetentionPolicy.parse("30d")).isEqualTo(RetentionPolicy.keepFor(Duration.ofDays(30)));
        assertThat(RetentionPolicy.parse("keep-last:7")).isEqualTo(RetentionPolicy.keepLast(7));
        assertThat(RetentionPolicy.parse("gfs:7,4,12")).isEqualTo(RetentionPolicy.gfs(7, 4, 12));
        assertThat(RetentionPolicy.parse("pitr:14d+keep-last:2")).isInstanceOf(RetentionPolicy.AnyOf.class);
        assertThatThrownBy(() -> RetentionPolicy.parse("forever")).hasMessageContaining("Unknown retention policy");
        assertThatThrownBy(() -> RetentionPolicy.parse("keep-last:0")).hasMessageContaining("would delete every backup");
    }
}
