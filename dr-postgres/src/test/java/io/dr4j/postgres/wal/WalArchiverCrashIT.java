package io.dr4j.postgres.wal;

import static io.dr4j.postgres.wal.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.verify.ReadDataVerifier;
import io.dr4j.core.backup.verify.VerificationRecord;
import io.dr4j.core.backup.verify.WalChainVerifier;
import io.dr4j.postgres.PostgresBackupSource;
import io.dr4j.postgres.PostgresCluster;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.tck.crash.CrashHarness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming WAL archiver, in a child JVM, SIGKILLed 20 times at random moments under pgbench writes and WAL
 * switches, restarted each time. After every kill the archived segments have no gap; at the end the restarted
 * archiver catches up, the whole range from before the first start to the end parses with pg_waldump, the WAL chain
 * verifier and the read-data verifier pass for every backup (two taken while the archiver was being killed), and the
 * next backup succeeds.
 */
class WalArchiverCrashIT {
    static final int ITERATIONS = 20;
    @TempDir
    Path tmp;

    static int checksAfterKills;
    static int spooled;

    /**
     * What the server may recycle (every segment before the segment of the slot's restart_lsn, which the archiver
     * advances only for WAL it has fsynced) is in the archive or completed in the spool, without a gap. Later segments may be missing while the archiver is down
     * (a backup may have stored its own WAL ahead of it): the slot still holds them on the server.
     */
    static void assertNothingReleasedIsMissing(ScratchCluster pg, Repository repo, Path spool, long firstSegment)
            throws Exception {
        String restart = query(pg, "select coalesce((select restart_lsn::text from pg_replication_slots "
                + "where slot_name = 'crash_archiver'), 'none')");
        if (restart.equals("none")) {
            return; // killed before it created its slot
        }
        long released = WalPositions.segmentNumber(WalPositions.parseLsn(restart), WalPositions.DEFAULT_SEGMENT_SIZE);
        java.util.Set<Long> archived = new java.util.HashSet<>(completeSegments(repo, 1).stream()
                .map(s -> WalPositions.segmentNumberOf(s.name(), WalPositions.DEFAULT_SEGMENT_SIZE)).toList());
        // completed, fsynced segments waiting in the spool (<segment>.ready) are stored by the next run first
        if (Files.isDirectory(spool)) {
            try (java.util.stream.Stream<Path> s = Files.list(spool)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ready"))
                        .map(n -> WalPositions.segmentNumberOf(n.substring(0, 24), WalPositions.DEFAULT_SEGMENT_SIZE))
                        .forEach(n -> {
                            archived.add(n);
                            spooled++;
                        });
            }
        }
        for (long n = firstSegment; n < released; n++) {
            assertThat(archived).as("segment %d is before the slot's restart_lsn %s, so the server may remove it: it "
                    + "must be archived or spooled", n, restart).contains(n);
        }
        checksAfterKills++;
    }

    @Test
    void anArchiverKilledTwentyTimesUnderLoadLosesNoWal() throws Exception {
        try (ScratchCluster pg = cluster(pg15()).setting("wal_keep_size", "0").setting("max_wal_size", "64MB").start()) {
            String sysId = systemId(pg);
            Repository repo = repository(tmp.resolve("repo"), sysId);
            PostgresBackupSource backups = PostgresBackupSource.builder(PostgresCluster.builder().host("127.0.0.1")
                    .port(pg.port()).user(pg.superuser()).dataDir(pg.dataDir()).build()).build();
            long start = lsn(pg, "pg_current_wal_flush_lsn()");
            long firstSegment = WalPositions.segmentNumber(start, WalPositions.DEFAULT_SEGMENT_SIZE);
            Path log = tmp.resolve("child.log");
            CrashHarness archiver = CrashHarness.of(ArchiverChild.class).log(log).timeoutSeconds(60);
            String[] args = {pg.jdbcUrl("postgres"), pg.superuser(), tmp.resolve("repo").toString(),
                    tmp.resolve("spool").toString(), "crash_archiver", sysId};
            // the first archiver creates its slot before any load: from then on the server keeps what it has not stored
            try (CrashHarness.Child first = archiver.start(args)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!query(pg, "select count(*)::text from pg_replication_slots where slot_name = 'crash_archiver'")
                        .equals("1")) {
                    assertThat(System.nanoTime()).as("slot created; child log:%n%s", Files.readString(log))
                            .isLessThan(deadline);
                    Thread.sleep(100);
                }
                pgbench(pg, "-i", "-s", "1", "-q");
                assertThat(first.kill()).isTrue();
            }
            assertNothingReleasedIsMissing(pg, repo, tmp.resolve("spool"), firstSegment);
            Process bench = pgbenchAsync(pg, "-c", "2", "-T", "300", "-n");
            AtomicBoolean load = new AtomicBoolean(true);
            Thread switcher = new Thread(() -> {
                while (load.get()) {
                    try {
                        Thread.sleep(1200);
                        lsn(pg, "pg_switch_wal()"); // many segment boundaries for the kills to land near
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "wal-switcher");
            switcher.setDaemon(true);
            switcher.start();
            Random rnd = new Random(2029);
            int backupsTaken = 0;
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < ITERATIONS; i++) {
                    assertThat(archiver.runAndKill(150 + rnd.nextLong(1500), args)).as("iteration %d killed", i).isTrue();
                    assertNothingReleasedIsMissing(pg, repo, tmp.resolve("spool"), firstSegment);
                    if (i == 6 || i == 13) {
                        BackupResult b = backups.backup(repo, BackupRequest.of(BackupType.FULL));
                        assertThat(b.manifest().files()).isNotEmpty();
                        backupsTaken++;
                    }
                }
                long killPhase = (System.nanoTime() - t0) / 1_000_000;
                // the next run: catches up from the slot, without a gap
                try (CrashHarness.Child next = archiver.start(args)) {
                    load.set(false);
                    switcher.join();
                    bench.destroy();
                    bench.waitFor();
                    long end = lsn(pg, "pg_switch_wal()");
                    String lastSeg = WalPositions.segmentNameOf(1, end - 1, WalPositions.DEFAULT_SEGMENT_SIZE);
                    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    while (repo.wal().find(lastSeg).isEmpty()) {
                        assertThat(System.nanoTime()).as("segment %s archived; child log:%n%s", lastSeg,
                                Files.readString(log)).isLessThan(deadline);
                        Thread.sleep(200);
                    }
                    List<Long> nos = assertContiguous(repo, 1);
                    assertThat(nos.get(0)).isEqualTo(WalPositions.segmentNumber(start, WalPositions.DEFAULT_SEGMENT_SIZE));
                    assertThat(nos.get(nos.size() - 1))
                            .isEqualTo(WalPositions.segmentNumberOf(lastSeg, WalPositions.DEFAULT_SEGMENT_SIZE));
                    Path dump = tmp.resolve("dump");
                    restoreSegments(repo, completeSegments(repo, 1), dump);
                    waldump(dump, 1, start, end - 1);

                    BackupResult last = backups.backup(repo, BackupRequest.of(BackupType.FULL));
                    assertThat(repo.catalog().list()).hasSize(backupsTaken + 1)
                            .anySatisfy(m -> assertThat(m.id()).isEqualTo(last.id()));
                    WalChainVerifier.Result chain = new WalChainVerifier(repo).check();
                    assertThat(chain.problems()).as("WAL chain").isEmpty();
                    assertThat(chain.backups()).allSatisfy(c -> assertThat(c.consistent()).isTrue());
                    VerificationRecord read = new ReadDataVerifier(repo).run();
                    assertThat(read.passed()).as("every listed backup verifies: %s", read.problems()).isTrue();
                    assertThat(next.process().isAlive()).as("the restarted archiver runs").isTrue();
                    System.out.println("FIGURE archiver SIGKILLed " + archiver.kills() + " times in " + killPhase
                            + " ms under pgbench; " + nos.size() + " contiguous segments up to " + lastSeg
                            + ", pg_waldump parsed them all; " + (backupsTaken + 1) + " backups verify; "
                            + checksAfterKills + " checks after kills that every released segment was archived or "
                            + "spooled (" + spooled + " segments found waiting in the spool)");
                }
            } finally {
                load.set(false);
                bench.destroyForcibly();
            }
        }
    }
}
