package io.dr4j.postgres.wal;

import static io.dr4j.postgres.wal.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synchronous mode: with the archiver in synchronous_standby_names, a commit returns only once its WAL is stored. */
class WalArchiverSyncIT {
    @TempDir
    Path tmp;

    @Test
    void commitReturnsOnlyAfterItsWalIsInTheRepository() throws Exception {
        try (ScratchCluster pg = cluster(pg15()).start()) {
            Repository repo = repository(tmp.resolve("repo"), systemId(pg));
            try (WalArchiver archiver = archiver(pg, repo, tmp.resolve("spool"), "sync_slot").applicationName("dr4j_sync")
                    .synchronous(true).build().start()) {
                assertThat(archiver.awaitArchived(lsn(pg, "pg_current_wal_flush_lsn()"), Duration.ofSeconds(30))).isTrue();
                exec(pg, "alter system set synchronous_standby_names = 'dr4j_sync'", "select pg_reload_conf()");
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!"sync".equals(query(pg, "select coalesce((select sync_state from pg_stat_replication "
                        + "where application_name = 'dr4j_sync'), 'none')"))) {
                    assertThat(System.nanoTime()).as("archiver becomes the synchronous standby").isLessThan(deadline);
                    Thread.sleep(100);
                }
                exec(pg, "create table t(i int)");
                List<Long> commitMs = new ArrayList<>();
                try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < 20; i++) {
                        st.execute("insert into t values (" + i + ")");
                        long xid = Long.parseLong(one(st, "select txid_current()"));
                        long before = WalPositions.parseLsn(one(st, "select pg_current_wal_insert_lsn()::text"));
                        long t0 = System.nanoTime();
                        c.commit();
                        commitMs.add((System.nanoTime() - t0) / 1_000_000);
                        // right after the commit returned: the repository (not the archiver's memory) holds its WAL
                        String seg = WalPositions.segmentNameOf(1, before, WalPositions.DEFAULT_SEGMENT_SIZE);
                        long stored = storedEnd(repo, seg);
                        assertThat(stored).as("commit %s at %s: stored up to %s", i, WalPositions.formatLsn(before),
                                WalPositions.formatLsn(stored)).isGreaterThan(before);
                        if (i % 7 == 0) {
                            // the repository's copy holds the commit record of this transaction
                            Path dir = tmp.resolve("dump" + i);
                            java.nio.file.Files.createDirectories(dir);
                            assertThat(new WalFetch(repo).fetch(seg, dir.resolve(seg))).isNotEqualTo(WalFetch.Outcome.NOT_FOUND);
                            String dump = waldumpFrom(dir, before);
                            assertThat(dump).containsPattern("tx: +" + xid + ", lsn: [0-9A-F/]+, prev [0-9A-F/]+, desc: COMMIT");
                        }
                    }
                }
                Collections.sort(commitMs);
                System.out.printf("synchronous archiver: commit latency p50 %d ms, max %d ms (each commit waits for the "
                        + "repository)%n", commitMs.get(commitMs.size() / 2), commitMs.get(commitMs.size() - 1));
                exec(pg, "alter system reset synchronous_standby_names", "select pg_reload_conf()");
            }
        }
    }

    private static long storedEnd(Repository repo, String seg) throws Exception {
        long start = WalPositions.segmentNumberOf(seg, WalPositions.DEFAULT_SEGMENT_SIZE) * WalPositions.DEFAULT_SEGMENT_SIZE;
        if (repo.wal().find(seg).isPresent()) {
            return start + WalPositions.DEFAULT_SEGMENT_SIZE;
        }
        Optional<WalSegment> p = repo.wal().findPartial(seg);
        if (p.isEmpty()) {
            return 0;
        }
        try (InputStream in = repo.wal().read(p.get())) {
            return start + in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    private static String waldumpFrom(Path dir, long start) {
        io.dr4j.postgres.internal.Processes.makeTraversable(dir);
        io.dr4j.postgres.internal.Processes.chownToPostgres(dir);
        var r = io.dr4j.postgres.internal.Processes.run(io.dr4j.postgres.internal.Processes.asPostgresUser(List.of(
                PG15.resolve("pg_waldump").toString(), "-p", dir.toString(), "-s", WalPositions.formatLsn(start))),
                java.util.Map.of(), null, Duration.ofMinutes(1));
        return r.output(); // ends with "invalid record length" at the zero padding: expected
    }

    private static String one(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
