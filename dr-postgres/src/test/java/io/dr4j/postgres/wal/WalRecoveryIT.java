package io.dr4j.postgres.wal;

import static io.dr4j.postgres.wal.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real PostgreSQL recovery served by the prefetcher's restore_command (which fetches through WalFetch). */
class WalRecoveryIT {
    @TempDir
    Path tmp;

    @Test
    void prefetcherServesRecoveryToTheEndOfArchivedWalIncludingThePartialSegment() throws Exception {
        Path base = tmp.resolve("base");
        Repository repo;
        long expectedRows;
        try (ScratchCluster pg = cluster(pg15()).start()) {
            repo = repository(tmp.resolve("repo"), systemId(pg));
            try (WalArchiver archiver = archiver(pg, repo, tmp.resolve("spool"), "rec_archiver").build().start()) {
                pgbench(pg, "-i", "-s", "2", "-q");
                Files.createDirectories(base);
                Processes.makeTraversable(base);
                Processes.chownToPostgres(base);
                Processes.check(Processes.asPostgresUser(List.of(PG15.resolve("pg_basebackup").toString(), "-h", "127.0.0.1",
                        "-p", String.valueOf(pg.port()), "-U", pg.superuser(), "-D", base.toString(), "-Ft", "-X", "none",
                        "--checkpoint=fast")), Map.of(), null, Duration.ofMinutes(2));
                exec(pg, "create table marker(i int primary key, note text)",
                        "insert into marker select g, 'before switch' from generate_series(1, 1000) g");
                pgbench(pg, "-c", "2", "-t", "500", "-n");
                long switched = lsn(pg, "pg_switch_wal()");
                // written after the last switch: only in the partial segment the archiver stores every second
                exec(pg, "insert into marker select g, 'in the partial segment' from generate_series(1001, 1234) g");
                long last = lsn(pg, "pg_current_wal_flush_lsn()");
                assertThat(archiver.awaitArchived(Math.max(switched, last), Duration.ofSeconds(60))).as("%s", archiver.status()).isTrue();
                expectedRows = Long.parseLong(query(pg, "select count(*) from marker"));
                assertThat(repo.wal().findPartial(WalPositions.segmentNameOf(1, last, WalPositions.DEFAULT_SEGMENT_SIZE))).isPresent();
            }
        }
        assertThat(expectedRows).isEqualTo(1234);

        // WalFetch serves a complete segment byte-for-byte as archived
        WalSegment first = completeSegments(repo, 1).get(0);
        Path fetched = tmp.resolve("fetched");
        assertThat(new WalFetch(repo).fetch(first.name(), fetched)).isEqualTo(WalFetch.Outcome.FOUND);
        assertThat(Files.readAllBytes(fetched)).isEqualTo(read(repo, first));

        // restore the base backup into a new data directory and recover it through the prefetcher
        Path data = tmp.resolve("restored/data");
        Files.createDirectories(data);
        Processes.check(List.of("tar", "-xf", base.resolve("base.tar").toString(), "-C", data.toString()), Map.of(), null,
                Duration.ofMinutes(2));
        String label = Files.readString(data.resolve("backup_label"));
        Matcher m = Pattern.compile("START WAL LOCATION: \\S+ \\(file ([0-9A-F]{24})\\)").matcher(label);
        assertThat(m.find()).as(label).isTrue();
        try (WalPrefetcher prefetcher = WalPrefetcher.builder(repo, tmp.resolve("prefetch")).startSegment(m.group(1))
                .parallelism(3).depth(4).build().start()) {
            Files.writeString(data.resolve("postgresql.auto.conf"), "\nrestore_command = '"
                    + prefetcher.restoreCommand().replace("'", "''") + "'\n", StandardOpenOption.APPEND);
            Files.writeString(data.resolve("recovery.signal"), "");
            try (ScratchCluster restored = ScratchCluster.builder().binaries(pg15()).baseDir(tmp.resolve("restored"))
                    .existingDataDir(data).create().start()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (!"f".equals(query(restored, "select pg_is_in_recovery()"))) {
                    assertThat(System.nanoTime()).as("recovery did not end:\n%s", restored.tailOfLog()).isLessThan(deadline);
                    Thread.sleep(200);
                }
                assertThat(query(restored, "select count(*) from marker")).isEqualTo(String.valueOf(expectedRows));
                assertThat(query(restored, "select count(*) from marker where note = 'in the partial segment'")).isEqualTo("234");
                assertThat(Long.parseLong(query(restored, "select count(*) from pgbench_accounts"))).isEqualTo(200_000);
                System.out.println("prefetcher: " + prefetcher.stats());
                assertThat(prefetcher.stats().fetched()).isGreaterThanOrEqualTo(2);
                assertThat(prefetcher.stats().served()).isGreaterThanOrEqualTo(2);
                assertThat(restored.tailOfLog()).contains("restored log file");
            }
        }
    }
}
