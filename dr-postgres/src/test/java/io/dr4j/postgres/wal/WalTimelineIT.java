package io.dr4j.postgres.wal;

import static io.dr4j.postgres.wal.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A standby archived by its own archiver is promoted: the history file is stored and the new timeline followed. */
class WalTimelineIT {
    @TempDir
    Path tmp;

    @Test
    void followsThePromotionToTheNextTimeline() throws Exception {
        try (ScratchCluster primary = cluster(pg15()).start()) {
            Path standbyBase = tmp.resolve("standby");
            Path standbyData = standbyBase.resolve("data");
            Files.createDirectories(standbyData);
            Processes.makeTraversable(standbyData);
            Processes.chownToPostgres(standbyBase);
            Processes.check(Processes.asPostgresUser(List.of(PG15.resolve("pg_basebackup").toString(), "-h", "127.0.0.1",
                    "-p", String.valueOf(primary.port()), "-U", primary.superuser(), "-D", standbyData.toString(), "-R",
                    "-X", "stream", "--checkpoint=fast")), Map.of(), null, Duration.ofMinutes(2));
            try (ScratchCluster standby = ScratchCluster.builder().binaries(pg15()).baseDir(standbyBase)
                    .existingDataDir(standbyData).create().start()) {
                assertThat(query(standby, "select pg_is_in_recovery()")).isEqualTo("t");
                Repository repo = repository(tmp.resolve("repo"), systemId(standby));
                List<long[]> switches = new ArrayList<>();
                try (WalArchiver archiver = archiver(standby, repo, tmp.resolve("spool"), "standby_archiver")
                        .listener(new WalArchiver.Listener() {
                            @Override
                            public void onTimelineSwitch(long from, long to, long at) {
                                switches.add(new long[] {from, to, at});
                            }
                        }).build().start()) {
                    pgbench(primary, "-i", "-s", "1", "-q");
                    long primaryLsn = lsn(primary, "pg_current_wal_flush_lsn()");
                    awaitReplay(standby, primaryLsn);
                    boolean ok = archiver.awaitArchived(primaryLsn, Duration.ofSeconds(20));
                    assertThat(ok).as("%s; standby walsender: %s; standby receiver: %s", archiver.status(),
                            query(standby, "select string_agg(state || ' sent ' || sent_lsn || ' flush ' || coalesce(flush_lsn::text, '-'), ', ') from pg_stat_replication"),
                            query(standby, "select status || ' written ' || written_lsn || ' flushed ' || flushed_lsn || ' replay ' || pg_last_wal_replay_lsn() from pg_stat_wal_receiver")).isTrue();

                    exec(standby, "select pg_promote()");
                    assertThat(query(standby, "select pg_is_in_recovery()")).isEqualTo("f");
                    exec(standby, "create table after_promotion(i int)",
                            "insert into after_promotion select generate_series(1, 50000)");
                    long end = lsn(standby, "pg_switch_wal()");
                    assertThat(archiver.awaitArchived(end, Duration.ofSeconds(60))).as("%s", archiver.status()).isTrue();
                    assertThat(archiver.status().timeline()).isEqualTo(2);
                }
                // the history file, byte-identical to the server's
                WalSegment history = repo.wal().find("00000002.history").orElseThrow();
                assertThat(read(repo, history)).isEqualTo(Files.readAllBytes(standbyData.resolve("pg_wal/00000002.history")));
                TimelineHistory h = TimelineHistory.parse(2, new String(read(repo, history)));
                long switchPoint = h.endOf(1);
                assertThat(switches).hasSize(1);
                assertThat(switches.get(0)).containsExactly(1, 2, switchPoint);
                // timeline 1 archived up to the switch point (the switch segment as partial or complete)
                String switchSeg = WalPositions.segmentNameOf(1, switchPoint, WalPositions.DEFAULT_SEGMENT_SIZE);
                if (switchPoint % WalPositions.DEFAULT_SEGMENT_SIZE != 0) {
                    WalSegment p = repo.wal().findPartial(switchSeg).orElseThrow();
                    assertThat((long) read(repo, p).length).isEqualTo(switchPoint % WalPositions.DEFAULT_SEGMENT_SIZE);
                }
                // timeline 2 from the switch segment on, byte-identical to the promoted server's files
                List<WalSegment> tl2 = completeSegments(repo, 2);
                assertThat(tl2).isNotEmpty();
                assertThat(tl2.get(0).name()).isEqualTo(WalPositions.segmentNameOf(2, switchPoint, WalPositions.DEFAULT_SEGMENT_SIZE));
                assertContiguous(repo, 2);
                int compared = 0;
                for (WalSegment s : tl2) {
                    Path server = standbyData.resolve("pg_wal").resolve(s.name());
                    if (Files.exists(server)) {
                        assertThat(Arrays.equals(read(repo, s), Files.readAllBytes(server))).as(s.name()).isTrue();
                        compared++;
                    }
                }
                assertThat(compared).isPositive();
                System.out.println("timeline 1 ended at " + WalPositions.formatLsn(switchPoint) + "; timeline 2 archived: "
                        + tl2.stream().map(WalSegment::name).toList());
            }
        }
    }

    private static void awaitReplay(ScratchCluster standby, long lsn) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Long.compareUnsigned(lsn(standby, "pg_last_wal_replay_lsn()"), lsn) < 0) {
            assertThat(System.nanoTime()).as("standby replays").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
