package io.dr4j.postgres;

import static io.dr4j.postgres.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import io.dr4j.core.DrException;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryException;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.core.config.Secret;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * On one PostgreSQL 15 cluster: a flipped byte reported during backup, stream mode round trip, and every bad input
 * of the issue failing with a clear message and nothing changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupChecksAndBadInputIT {
    Path tmp;
    ScratchCluster pg;
    PostgresCluster handle;
    Repository repo;
    String systemId;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        Processes.makeTraversable(tmp);
        pg = ScratchCluster.builder().binaries(pg15()).setting("wal_keep_size", "1GB").start();
        handle = handle(pg);
        systemId = handle.inspect().systemId();
        repo = repository(tmp.resolve("repo"), systemId);
        pgbench(pg, "-i", "-s", "1", "-q");
        sql(pg, "create table marks(id int primary key, v text)", "insert into marks values (1, 'one')");
    }

    @AfterAll
    void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    @Order(1)
    void flippedByteInARelationFileIsReportedByFileAndBlock() throws Exception {
        sql(pg, "create table victim as select g as id, repeat('x', 200) as pad from generate_series(1, 3000) g",
                "checkpoint");
        String rel = query(pg, "select pg_relation_filepath('victim')");
        pg.stop();
        Path file = pg.dataDir().resolve(rel);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long pos = 2L * 8192 + 4000;
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ 0xFF);
        }
        pg.start();
        Path r = tmp.resolve("repo-corrupt");
        Repository corruptRepo = repository(r, systemId);
        BackupResult result = PostgresBackupSource.builder(handle).mode(BackupMode.DIRECT).build()
                .backup(corruptRepo, BackupRequest.of(BackupType.FULL));
        assertThat(result.warnings()).containsExactly(rel + ": page checksum verification failed in block 2");
        BackupFile entry = result.manifest().files().stream().filter(f -> f.path().equals(rel)).findFirst().orElseThrow();
        assertThat(entry.attributesOrEmpty()).containsEntry("checksumErrors", "2");
        assertThat(result.manifest().properties()).containsEntry("checksumErrors", "1");
        sql(pg, "drop table victim");
    }

    @Test
    @Order(2)
    void streamModeBackupRestoresTheSameData() throws Exception {
        String expected = digest(pg.port());
        BackupResult b = PostgresBackupSource.builder(handle).mode(BackupMode.STREAM).clientTools(pg15()).build()
                .backup(repo, BackupRequest.of(BackupType.FULL));
        assertThat(b.manifest().properties()).containsEntry("mode", "stream");
        assertThat(b.manifest().files()).anyMatch(f -> f.path().equals("backup_label"))
                .anyMatch(f -> f.path().equals("global/pg_control"))
                .noneMatch(f -> f.path().startsWith("pg_wal/0"));
        sql(pg, "insert into marks values (2, 'after')");
        archive(pg, repo);
        // restored without starting: every WAL file is delivered up front, the directory is started later
        Path dest = tmp.resolve("stream-restore");
        RestoreResult r = PostgresRestoreStrategy.builder().binaries(pg15()).build().restore(repo,
                RestoreRequest.to(dest).withTarget(RecoveryTarget.immediate()));
        assertThat(r.phases()).containsKeys("plan", "download", "wal-prefetch");
        assertThat(r.recoveredToLsn()).isNull();
        try (ScratchCluster later = ScratchCluster.builder().binaries(pg15()).existingDataDir(dest)
                .port(Integer.parseInt(r.details().get("port"))).start()) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (query(later.port(), "select pg_is_in_recovery()::text").equals("true")) {
                assertThat(System.nanoTime()).as("recovery ends").isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(digest(later.port())).isEqualTo(expected);
            later.stop();
        }
    }

    @Test
    @Order(3)
    void wrongCredentialsAreNamedWithoutTheSecret() throws Exception {
        sql(pg, "create role pw login password 'right-secret'");
        Path hba = pg.dataDir().resolve("pg_hba.conf");
        Files.writeString(hba, "host all pw 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
        sql(pg, "select pg_reload_conf()");
        Thread.sleep(300);
        PostgresCluster wrong = PostgresCluster.builder().port(pg.port()).user("pw")
                .password(Secret.of("wrong-secret")).build();
        assertThatThrownBy(wrong::inspect).isInstanceOf(PostgresException.class)
                .hasMessageContaining("password authentication failed")
                .hasMessageContaining("PGPASSWORD")
                .hasMessageNotContaining("wrong-secret");
        assertThat(wrong.toString()).doesNotContain("wrong-secret");
        PostgresCluster right = PostgresCluster.builder().port(pg.port()).user("pw").password(Secret.of("right-secret"))
                .build();
        assertThat(right.libpqEnvironment()).containsEntry("PGPASSWORD", "right-secret");
        assertThatThrownBy(() -> PostgresCluster.builder().jdbcUrl("jdbc:postgresql://h/db?password=x"))
                .hasMessageContaining("password");
    }

    @Test
    @Order(4)
    void roleWithoutBackupRightsGetsTheGrantToRun() throws Exception {
        sql(pg, "create role nobackup login", "grant execute on function pg_control_system() to nobackup");
        PostgresCluster weak = PostgresCluster.builder().port(pg.port()).user("nobackup").dataDir(pg.dataDir()).build();
        Path r = tmp.resolve("repo-weak");
        Repository weakRepo = repository(r, systemId);
        assertThatThrownBy(() -> PostgresBackupSource.builder(weak).mode(BackupMode.DIRECT).build()
                .backup(weakRepo, BackupRequest.of(BackupType.FULL)))
                .isInstanceOf(DrException.class)
                .hasMessageContaining("GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean) TO nobackup");
        assertThatThrownBy(() -> PostgresBackupSource.builder(weak).mode(BackupMode.STREAM).build()
                .backup(weakRepo, BackupRequest.of(BackupType.FULL)))
                .isInstanceOf(DrException.class)
                .hasMessageContaining("ALTER ROLE nobackup WITH REPLICATION");
        assertThat(weakRepo.catalog().list()).isEmpty();
        assertThat(weakRepo.catalog().leftovers()).isEmpty();
    }

    @Test
    @Order(5)
    void repositoryOfAnotherClusterIsRefused() {
        Repository other = repository(tmp.resolve("repo-other"), "7000000000000000001");
        assertThatThrownBy(() -> PostgresBackupSource.builder(handle).build().backup(other, BackupRequest.of(BackupType.FULL)))
                .isInstanceOf(RepositoryException.class)
                .hasMessageContaining("7000000000000000001").hasMessageContaining(systemId);
        assertThat(other.catalog().list()).isEmpty();
    }

    @Test
    @Order(6)
    void walLevelMinimalIsRefused() {
        try (ScratchCluster minimal = ScratchCluster.builder().binaries(pg15()).setting("wal_level", "minimal")
                .setting("max_wal_senders", "0").start()) {
            PostgresCluster h = handle(minimal);
            Repository r = repository(tmp.resolve("repo-minimal"), h.inspect().systemId());
            assertThatThrownBy(() -> PostgresBackupSource.builder(h).build().backup(r, BackupRequest.of(BackupType.FULL)))
                    .isInstanceOf(PostgresException.class).hasMessageContaining("wal_level")
                    .hasMessageContaining("replica");
            assertThat(r.catalog().list()).isEmpty();
        }
    }

    @Test
    @Order(7)
    void targetTimeOutsideTheWindowShowsTheWindow() {
        PostgresRestoreStrategy s = PostgresRestoreStrategy.builder().binaries(pg15()).build();
        Path dest = tmp.resolve("never");
        assertThatThrownBy(() -> s.restore(repo, RestoreRequest.to(dest)
                .withTarget(RecoveryTarget.time(Instant.now().plus(1, ChronoUnit.HOURS)))))
                .isInstanceOf(RestoreFailedException.class).hasMessageContaining("restorable window: from");
        assertThatThrownBy(() -> s.restore(repo, RestoreRequest.to(dest)
                .withTarget(RecoveryTarget.time(Instant.parse("2000-01-01T00:00:00Z")))))
                .isInstanceOf(RestoreFailedException.class).hasMessageContaining("restorable window: from");
        assertThat(dest).doesNotExist();
    }

    @Test
    @Order(8)
    void nonEmptyDestinationIsRefusedUntouched() throws Exception {
        Path dest = Files.createDirectories(tmp.resolve("occupied"));
        Files.writeString(dest.resolve("keep.txt"), "mine");
        assertThatThrownBy(() -> PostgresRestoreStrategy.builder().binaries(pg15()).build()
                .restore(repo, RestoreRequest.to(dest)))
                .isInstanceOf(RestoreFailedException.class).hasMessageContaining("not empty");
        try (var l = Files.list(dest)) {
            assertThat(l.map(p -> p.getFileName().toString()).toList()).containsExactly("keep.txt");
        }
    }

    @Test
    @Order(9)
    void missingWalSegmentIsNamedBeforeAnythingIsWritten() {
        String startWal = repo.catalog().latest().orElseThrow().properties().get("startWal");
        WalSegment seg = repo.wal().find(startWal).orElseThrow();
        repo.wal().delete(seg);
        Path dest = tmp.resolve("missing-wal");
        assertThatThrownBy(() -> PostgresRestoreStrategy.builder().binaries(pg15()).build()
                .restore(repo, RestoreRequest.to(dest).withOptions(Map.of())))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("WAL segment " + startWal + " is missing")
                .hasMessageContaining("restorable window");
        assertThat(dest).doesNotExist();
    }
}
