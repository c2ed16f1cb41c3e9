package io.dr4j.postgres;

import static io.dr4j.postgres.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pure-Java direct-mode backup and PITR round trip on every supported major version besides the Debian 15 of
 * {@link PitrIT}: server-only zonky builds of 13, 14, 16, 17 and 18, loaded with the Debian 15 pgbench, compared
 * by a digest of the tables' contents.
 */
class VersionsIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(strings = {"13.23.0", "14.22.0", "16.15.0", "17.11.0", "18.6.0"})
    void directBackupAndPitrRoundTrip(String version, @TempDir Path tmp) throws Exception {
        Processes.makeTraversable(tmp);
        PostgresBinaries bin = zonky(version);
        String digestAtBackup;
        String digestAtEnd;
        Repository repo;
        try (ScratchCluster pg = ScratchCluster.builder().binaries(bin).setting("wal_keep_size", "1GB").start()) {
            PostgresCluster handle = handle(pg);
            ServerInfo info = handle.inspect();
            assertThat(info.majorVersion()).isEqualTo(Integer.parseInt(version.substring(0, 2)));
            assertThat(info.dataChecksums()).isTrue();
            repo = repository(tmp.resolve("repo"), info.systemId());
            pgbench(pg, "-i", "-s", "1", "-q");
            sql(pg, "create table marks(id int primary key, v text)");
            digestAtBackup = digest(pg.port());
            java.util.List<io.dr4j.core.Progress> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            BackupResult b = PostgresBackupSource.builder(handle).mode(BackupMode.DIRECT).build()
                    .backup(repo, BackupRequest.of(BackupType.FULL).withParallelism(2).withProgress(seen::add));
            assertThat(seen).as("progress reports bytes and files").anyMatch(p -> p.phase().equals("copy")
                    && p.bytesDone() > 0 && p.itemsDone() > 0 && p.bytesTotal() > 0);
            assertThat(b.warnings()).isEmpty();
            assertThat(b.manifest().properties()).containsEntry("majorVersion", version.substring(0, 2));
            pgbench(pg, "-t", "50", "-c", "2");
            sql(pg, "insert into marks values (1, 'end')");
            digestAtEnd = digest(pg.port());
            archive(pg, repo);
        }
        PostgresRestoreStrategy strategy = PostgresRestoreStrategy.builder().binaries(bin).build();
        Path dest = tmp.resolve("restored");
        RestoreResult r = strategy.restore(repo, RestoreRequest.to(dest).withStart(true).withParallelism(2));
        try {
            int port = Integer.parseInt(r.details().get("port"));
            assertThat(digest(port)).isEqualTo(digestAtEnd).isNotEqualTo(digestAtBackup);
            assertThat(r.timeline()).isEqualTo("00000002");
            assertThat(r.recoveredToLsn()).isNotNull();
        } finally {
            stopRestored(bin, dest);
        }
    }
}
