package io.dr4j.postgres.wal;

import static io.dr4j.postgres.wal.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.tck.crash.CrashHarness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archiver's process is SIGKILLed during pgbench load and restarted: the slot kept the WAL, no gap. */
class WalArchiverKillIT {
    @TempDir
    Path tmp;

    private CrashHarness.Child child(ScratchCluster pg, String sysId) {
        return CrashHarness.of(ArchiverChild.class).log(tmp.resolve("child.log")).start(pg.jdbcUrl("postgres"),
                pg.superuser(), tmp.resolve("repo").toString(), tmp.resolve("spool").toString(), "kill_archiver", sysId);
    }

    private void awaitSlotActive(ScratchCluster pg, boolean active) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!String.valueOf(active).equals(query(pg,
                "select coalesce((select active::text from pg_replication_slots where slot_name = 'kill_archiver'), 'none')"))) {
            assertThat(System.nanoTime()).as("slot active=%s; child log:%n%s", active,
                    Files.readString(tmp.resolve("child.log"))).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void sigkilledArchiverRestartsWithoutAGap() throws Exception {
        try (ScratchCluster pg = cluster(pg15()).setting("wal_keep_size", "0").setting("max_wal_size", "64MB").start()) {
            String sysId = systemId(pg);
            Repository repo = repository(tmp.resolve("repo"), sysId);
            long start = lsn(pg, "pg_current_wal_flush_lsn()");
            CrashHarness.Child first = child(pg, sysId);
            CrashHarness.Child second = null;
            try {
                awaitSlotActive(pg, true);
                pgbench(pg, "-i", "-s", "2", "-q");
                Process bench = pgbenchAsync(pg, "-c", "2", "-T", "9", "-n");
                Thread.sleep(3000);
                assertThat(first.kill()).as("SIGKILLed while running").isTrue();
                awaitSlotActive(pg, false);
                long restartLsn = lsn(pg, "(select restart_lsn from pg_replication_slots where slot_name = 'kill_archiver')");
                // load goes on while no archiver runs; segments are completed and checkpoints run
                pgbench(pg, "-c", "2", "-t", "1500", "-n");
                lsn(pg, "pg_switch_wal()");
                exec(pg, "checkpoint", "checkpoint");
                String held = WalPositions.segmentNameOf(1, restartLsn, WalPositions.DEFAULT_SEGMENT_SIZE);
                assertThat(pg.dataDir().resolve("pg_wal").resolve(held)).as("the slot keeps %s", held).exists();
                second = child(pg, sysId);
                bench.waitFor();
                assertThat(bench.exitValue()).isZero();
                long end = lsn(pg, "pg_switch_wal()");
                String lastSeg = WalPositions.segmentNameOf(1, end - 1, WalPositions.DEFAULT_SEGMENT_SIZE);
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (repo.wal().find(lastSeg).isEmpty()) {
                    assertThat(System.nanoTime()).as("segment %s archived; child log:\n%s", lastSeg,
                            Files.readString(tmp.resolve("child.log"))).isLessThan(deadline);
                    Thread.sleep(200);
                }
                List<Long> nos = assertContiguous(repo, 1);
                assertThat(nos.get(0)).isEqualTo(WalPositions.segmentNumber(start, WalPositions.DEFAULT_SEGMENT_SIZE));
                assertThat(nos.get(nos.size() - 1)).isEqualTo(WalPositions.segmentNumberOf(lastSeg, WalPositions.DEFAULT_SEGMENT_SIZE));
                assertThat(WalPositions.segmentNumber(restartLsn, WalPositions.DEFAULT_SEGMENT_SIZE)).isBetween(nos.get(0), nos.get(nos.size() - 1));
                for (WalSegment s : completeSegments(repo, 1)) {
                    Path server = pg.dataDir().resolve("pg_wal").resolve(s.name());
                    if (Files.exists(server)) {
                        assertThat(Arrays.equals(read(repo, s), Files.readAllBytes(server))).as(s.name()).isTrue();
                    }
                }
                Path dump = tmp.resolve("dump");
                restoreSegments(repo, completeSegments(repo, 1), dump);
                waldump(dump, 1, start, end - 1);
                System.out.println("archiver killed at restart_lsn " + WalPositions.formatLsn(restartLsn) + "; archived "
                        + nos.size() + " contiguous segments up to " + lastSeg + ", pg_waldump parsed them all");
            } finally {
                first.close();
                if (second != null) {
                    second.close();
                }
            }
        }
    }
}
