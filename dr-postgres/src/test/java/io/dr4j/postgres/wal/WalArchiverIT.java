package io.dr4j.postgres.wal;

import static io.dr4j.postgres.wal.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalArchiverIT {
    @TempDir
    Path tmp;

    @Test
    void archivesByteIdenticalSegmentsAndPartialsUnderLoadAndAcrossServerRestarts() throws Exception {
        try (ScratchCluster pg = cluster(pg15()).start()) {
            Repository repo = repository(tmp.resolve("repo"), systemId(pg));
            try (WalArchiver archiver = archiver(pg, repo, tmp.resolve("spool"), "it_archiver").build().start()) {
                pgbench(pg, "-i", "-s", "3", "-q");
                long switched = lsn(pg, "pg_switch_wal()");
                assertThat(archiver.awaitArchived(switched, Duration.ofSeconds(60))).as("%s", archiver.status()).isTrue();

                // completed segments are byte-identical to the server's own files
                List<WalSegment> segs = completeSegments(repo, 1);
                assertThat(segs).hasSizeGreaterThanOrEqualTo(3);
                int compared = 0;
                for (WalSegment s : segs) {
                    Path server = pg.dataDir().resolve("pg_wal").resolve(s.name());
                    if (Files.exists(server)) {
                        assertThat(Arrays.equals(read(repo, s), Files.readAllBytes(server))).as(s.name()).isTrue();
                        compared++;
                    }
                }
                assertThat(compared).isGreaterThanOrEqualTo(3);

                // partial flushed within ~1-2 s under load; archive lag measured end to end
                Process bench = pgbenchAsync(pg, "-c", "2", "-T", "8", "-n");
                List<Long> lagsMs = new ArrayList<>();
                boolean restarted = false;
                try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                    st.execute("create table marks(i int, at timestamptz default now())");
                    for (int i = 0; i < 25; i++) {
                        st.execute("insert into marks(i) values (" + i + ")");
                        long commitLsn = WalNames.parseLsn(one(st, "select pg_current_wal_flush_lsn()::text"));
                        long t0 = System.nanoTime();
                        assertThat(archiver.awaitArchived(commitLsn, Duration.ofSeconds(20))).as("%s", archiver.status()).isTrue();
                        lagsMs.add((System.nanoTime() - t0) / 1_000_000);
                        Thread.sleep(150);
                    }
                    // the partial segment in the repository is a prefix of the server's current segment
                    String seg = WalNames.segmentNameOf(1, WalNames.parseLsn(one(st, "select pg_current_wal_flush_lsn()::text")),
                            WalNames.DEFAULT_SEGMENT_SIZE);
                    Thread.sleep(2500);
                    var partial = repo.wal().findPartial(seg);
                    if (partial.isPresent()) {
                        byte[] p = read(repo, partial.get());
                        byte[] server = Files.readAllBytes(pg.dataDir().resolve("pg_wal").resolve(seg));
                        assertThat(p.length).isPositive();
                        assertThat(Arrays.equals(p, 0, p.length, server, 0, p.length)).isTrue();
                    } else {
                        assertThat(repo.wal().find(seg)).as("segment %s neither partial nor complete", seg).isPresent();
                    }
                }
                bench.waitFor();
                Collections.sort(lagsMs);
                long p50 = lagsMs.get(lagsMs.size() / 2);
                long p99 = lagsMs.get(Math.min(lagsMs.size() - 1, (int) Math.ceil(lagsMs.size() * 0.99) - 1));
                System.out.printf("WAL archive lag under pgbench (commit -> in repository, partialInterval 1 s): p50 %d ms, p99 %d ms, n=%d%n",
                        p50, p99, lagsMs.size());
                assertThat(p99).isLessThan(10_000);

                // server restart mid-stream: reconnect, no gap
                Process bench2 = pgbenchAsync(pg, "-c", "2", "-T", "6", "-n");
                Thread.sleep(1500);
                pg.stop("fast");
                pg.start();
                bench2.waitFor();
                pgbench(pg, "-c", "2", "-t", "300", "-n");
                long end = lsn(pg, "pg_switch_wal()");
                assertThat(archiver.awaitArchived(end, Duration.ofSeconds(60))).as("%s", archiver.status()).isTrue();
                assertThat(archiver.status().reconnects()).isGreaterThanOrEqualTo(1);
                List<Long> nos = assertContiguous(repo, 1);
                for (WalSegment s : completeSegments(repo, 1)) {
                    Path server = pg.dataDir().resolve("pg_wal").resolve(s.name());
                    if (Files.exists(server)) {
                        assertThat(Arrays.equals(read(repo, s), Files.readAllBytes(server))).as(s.name()).isTrue();
                    }
                }
                // pg_waldump parses every record from the first archived segment to the end
                Path dump = tmp.resolve("dump");
                restoreSegments(repo, completeSegments(repo, 1), dump);
                long first = nos.get(0) * WalNames.DEFAULT_SEGMENT_SIZE;
                String stats = waldump(dump, 1, first + 40, end - 1);
                assertThat(stats).contains("Total");
                System.out.println("archiver status: " + archiver.status());
            }
        }
    }

    private static String one(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
