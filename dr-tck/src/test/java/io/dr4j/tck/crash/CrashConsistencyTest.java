package io.dr4j.tck.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.retention.Expiry;
import io.dr4j.core.backup.retention.RetentionPolicy;
import io.dr4j.core.backup.verify.ReadDataVerifier;
import io.dr4j.core.backup.verify.VerificationRecord;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM in the middle of a backup or an expiry, 20 times each, at random moments, and checks after
 * every kill: no partial backup is listed, every listed backup verifies, keep-last-2 never lost the 2 newest, and the
 * next run (which must break the dead holder's lock) succeeds.
 */
class CrashConsistencyTest {
    static final int ITERATIONS = 20;
    @TempDir
    Path dir;

    static final CrashHarness CHILD = CrashHarness.of(CrashChild.class).timeoutSeconds(60);

    static void assertConsistent(Repository repo) {
        VerificationRecord v = new ReadDataVerifier(repo).run();
        assertThat(v.passed()).as("every listed backup verifies: %s", v.problems()).isTrue();
        for (BackupManifest m : repo.catalog().list()) {
            assertThat(repo.catalog().leftovers()).doesNotContain(m.id());
        }
    }

    @Test
    void killedBackupsNeverLeaveAPartialBackupListed() throws Exception {
        Path root = dir.resolve("repo");
        Repository repo = Repository.openOrInit(FileBackupTarget.of(root), RepositoryOptions.DEFAULT, "sys", "test");
        Random rnd = new Random(2026);
        // the fastest of 3 runs: one slow run on a busy machine would put most kill delays after the end
        long work = Long.MAX_VALUE;
        for (int c = 0; c < 3; c++) {
            work = Math.min(work, CHILD.calibrate("backup", root.toString(), String.format("20261120T01000%dZ-full", c)));
        }
        work = Math.max(20, work);
        int killed = 0;
        int completed = 0;
        // every 5th run is left to finish (and re-measures the work: the machine's load changes during a build);
        // the others get a SIGKILL at a random moment, which may still come after the end
        for (int i = 0; i < ITERATIONS * 5 / 4; i++) {
            String id = String.format("20261120T02%04dZ-full", i);
            if (i % 5 == 4) {
                work = Math.max(20, CHILD.calibrate("backup", root.toString(), id));
                completed++;
                assertThat(repo.catalog().find(id)).as("a backup that reported DONE is listed").isPresent();
            } else if (CHILD.runAndKill(rnd.nextLong(work * 2), "backup", root.toString(), id)) {
                killed++;
                // killed after its manifest was written: then it is complete
                repo.catalog().find(id).ifPresent(m -> assertThat(m.files()).hasSize(15));
            } else {
                completed++;
                assertThat(repo.catalog().find(id)).as("a backup that reported DONE is listed").isPresent();
            }
            assertConsistent(repo);
        }
        // the next run breaks the dead holder's lock and succeeds; expiry removes every leftover
        CrashChild.backup(repo, "20261121T000000Z-full", 3);
        new Expiry(repo, new RetentionPolicy.KeepLast(100), Clock.systemUTC(), Duration.ZERO).run();
        assertThat(repo.catalog().leftovers()).isEmpty();
        assertConsistent(repo);
        assertThat(killed).as("kills that interrupted a backup").isGreaterThanOrEqualTo(ITERATIONS / 3);
        System.out.println("FIGURE work " + work + " ms; backups killed mid-way: " + killed + " of " + (ITERATIONS * 5 / 4) + " runs, "
                + completed + " completed, " + repo.catalog().list().size() + " complete backups, all verified");
    }

    @Test
    void killedExpiriesLeaveEveryListedBackupRestorable() throws Exception {
        Path root = dir.resolve("repo");
        Repository repo = Repository.openOrInit(FileBackupTarget.of(root), RepositoryOptions.DEFAULT, "sys", "test");
        Random rnd = new Random(2027);
        int killed = 0;
        int seq = 0;
        // calibration with the same amount of work as each iteration: 3 backups to delete
        for (int b = 0; b < 5; b++) {
            CrashChild.backup(repo, String.format("20261120T01%04dZ-full", b), 4);
        }
        long work = Math.max(20, CHILD.calibrate("expire", root.toString()));
        // every 5th run completes (and re-measures the work, which grows when killed runs left backups behind; the
        // newest measurement, not the largest so far: one slow run on a busy machine made every later delay too long,
        // and the expiries completed before their kill — 4 kills of 20 in one CI run); the others are killed
        int completed = 0;
        for (int i = 0; i < ITERATIONS * 5 / 4; i++) {
            for (int b = 0; b < 3; b++) {
                CrashChild.backup(repo, String.format("20261120T03%04dZ-full", seq++), 4);
            }
            List<String> newest = repo.catalog().list().stream().map(BackupManifest::id)
                    .skip(Math.max(0, repo.catalog().list().size() - 2)).toList();
            if (i % 5 == 4) {
                work = Math.max(20, CHILD.calibrate("expire", root.toString()));
                completed++;
                // the 2 newest, plus the newest verified backup, which retention never deletes
                assertThat(repo.catalog().list()).hasSizeBetween(2, 3);
                assertThat(repo.catalog().leftovers()).isEmpty();
            } else if (CHILD.runAndKill(rnd.nextLong(work * 5 / 4), "expire", root.toString())) {
                killed++;
            } else {
                completed++;
            }
            assertThat(repo.catalog().list()).extracting(BackupManifest::id).as("keep-last-2 keeps the newest")
                    .containsAll(newest);
            assertConsistent(repo);
        }
        var report = new Expiry(repo, new RetentionPolicy.KeepLast(2), Clock.systemUTC(), Duration.ZERO).run();
        assertThat(report.dryRun()).isFalse();
        assertThat(repo.catalog().list()).hasSize(2);
        assertThat(repo.catalog().leftovers()).isEmpty();
        assertConsistent(repo);
        assertThat(killed).as("kills that interrupted an expiry").isGreaterThanOrEqualTo(ITERATIONS / 3);
        System.out.println("FIGURE work " + work + " ms; expiries killed mid-way: " + killed + " of " + ITERATIONS
                + " attempts; " + completed + " completed runs");
    }
}
