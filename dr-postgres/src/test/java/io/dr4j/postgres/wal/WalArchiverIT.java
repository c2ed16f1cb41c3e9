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
            List<io.dr4j.core.events.DrEvent.WalArchived> walEvents = new java.util.concurrent.CopyOnWriteArrayList<>();
            repo.events().add(e -> {
                if (e instanceof io.dr4j.core.events.DrEvent.WalArchived w) {
                    walEvents.add(w);
                }
            });
            long partialMs = Long.getLong("dr.it.partial-interval-ms", 1000);
            try (WalArchiver archiver = archiver(pg, repo, tmp.resolve("spool"), "it_archiver")
                    .partialInterval(Duration.ofMillis(partialMs)).build().start()) {
                pgbench(pg, "-i", "-s", "3", "-q");
                long switched = lsn(pg, "pg_switch_wal()");
                assertThat(archiver.awaitArchived(switched, Duration.ofSeconds(60))).as("%s", archiver.status()).isTrue();

                // completed segments are byte-identical to the server's own files
                List<WalSegment> segs = completeSegments(repo, 1);
                assertThat(segs).hasSizeGreaterThanOrEqualTo(3);
                // each stored segment was reported to the repository's listeners (just after it counted as
                // archived, so allow a moment), with the archiver's lag
                List<String> stored = segs.stream().map(WalSegment::name).toList();
                long until = System.nanoTime() + 5_000_000_000L;
                while (!walEvents.stream().map(w -> w.name()).toList().containsAll(stored) && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertThat(walEvents.stream().filter(w -> !w.partial()).map(w -> w.name()).toList()).containsAll(stored);
                assertThat(walEvents).allSatisfy(w -> assertThat(w.lagBytes()).isNotNegative());
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
                Process bench = pgbenchAsync(pg, "-c", "2", "-T", "12", "-n");
                List<Long> lagsMs = new ArrayList<>();
                List<Long> sampledMs = java.util.Collections.synchronizedList(new ArrayList<>());
                java.util.Random random = new java.util.Random(42);
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        sampledMs.add(archiver.status().lag().toMillis());
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.start();
                boolean restarted = false;
                try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                    st.execute("create table marks(i int, at timestamptz default now())");
                    for (int i = 0; i < 25; i++) {
                        st.execute("insert into marks(i) values (" + i + ")");
                        long commitLsn = WalPositions.parseLsn(one(st, "select pg_current_wal_flush_lsn()::text"));
                        long t0 = System.nanoTime();
                        assertThat(archiver.awaitArchived(commitLsn, Duration.ofSeconds(20))).as("%s", archiver.status()).isTrue();
                        lagsMs.add((System.nanoTime() - t0) / 1_000_000);
                        Thread.sleep(random.nextInt(1000)); // decorrelated from the archiver's 1 s cadence
                    }
                    // the partial segment in the repository is a prefix of the server's current segment
                    String seg = WalPositions.segmentNameOf(1, WalPositions.parseLsn(one(st, "select pg_current_wal_flush_lsn()::text")),
                            WalPositions.DEFAULT_SEGMENT_SIZE);
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
                assertThat(walEvents).as("partial uploads reported").anyMatch(w -> w.partial());
                sampler.interrupt();
                sampler.join();
                bench.waitFor();
                Collections.sort(lagsMs);
                List<Long> sampled = new ArrayList<>(sampledMs);
                Collections.sort(sampled);
                System.out.printf("WAL archive lag under pgbench -c 2 (partialInterval %d ms): commit -> in repository p50 %d ms, "
                        + "p99 %d ms (n=%d); status().lag() sampled every 50 ms p50 %d ms, p99 %d ms (n=%d)%n", partialMs,
                        pct(lagsMs, 50), pct(lagsMs, 99), lagsMs.size(), pct(sampled, 50), pct(sampled, 99), sampled.size());
                assertThat(pct(lagsMs, 99)).isLessThan(10_000);
                assertThat(pct(sampled, 99)).isLessThan(10_000);

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
                long first = nos.get(0) * WalPositions.DEFAULT_SEGMENT_SIZE;
                String stats = waldump(dump, 1, first + 40, end - 1);
                assertThat(stats).contains("Total");
                System.out.println("archiver status: " + archiver.status());
            }
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(sorted.size() * p / 100.0) - 1)));
    }

    private static String one(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
