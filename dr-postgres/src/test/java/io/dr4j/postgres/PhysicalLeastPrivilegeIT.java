package io.dr4j.postgres;

import static io.dr4j.postgres.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import io.dr4j.core.DrException;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupResult;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.verify.ReadDataVerifier;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Physical backups (direct and stream mode) by a role that is not a superuser and holds only the GRANTs documented in
 * docs/security.md (PostgreSQL 15): both back up, restore and hold the data; without one of the grants the backup
 * fails before anything is stored, naming the GRANT.
 */
class PhysicalLeastPrivilegeIT {
    @TempDir
    Path tmp;

    static PostgresCluster as(ScratchCluster pg, String role) {
        return PostgresCluster.builder().host("127.0.0.1").port(pg.port()).user(role).database("postgres")
                .dataDir(pg.dataDir()).build();
    }

    @Test
    void aRoleWithOnlyTheDocumentedGrantsTakesDirectAndStreamBackupsThatRestore() throws Exception {
        try (ScratchCluster pg = ScratchCluster.builder().binaries(pg15()).start()) {
            sql(pg, "CREATE TABLE t (id int primary key, v text)",
                    "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 5000) g",
                    // docs/security.md, "Physical backups": the minimum for PostgreSQL 15
                    "CREATE ROLE dr_physical LOGIN REPLICATION",
                    "GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean) TO dr_physical",
                    "GRANT EXECUTE ON FUNCTION pg_backup_stop(boolean) TO dr_physical",
                    // the same role without the backup functions, and one without REPLICATION
                    "CREATE ROLE dr_nobackup LOGIN REPLICATION",
                    "CREATE ROLE dr_norepl LOGIN");
            assertThat(query(pg, "select has_function_privilege('dr_physical', 'pg_control_system()', 'execute')::text"))
                    .as("pg_control_system() is executable by PUBLIC in PostgreSQL 15: no GRANT needed").isEqualTo("true");
            assertThat(query(pg, "select rolsuper::text from pg_roles where rolname = 'dr_physical'")).isEqualTo("false");
            assertThat(query(pg, "select count(*)::text from pg_auth_members m join pg_roles r on r.oid = m.member "
                    + "where r.rolname = 'dr_physical'")).as("member of no predefined role").isEqualTo("0");
            String sysId = query(pg, "select system_identifier::text from pg_control_system()");
            Repository repo = repository(tmp.resolve("repo"), sysId);

            BackupResult direct = PostgresBackupSource.builder(as(pg, "dr_physical")).mode(BackupMode.DIRECT).build()
                    .backup(repo, BackupRequest.of(BackupType.FULL));
            BackupResult stream = PostgresBackupSource.builder(as(pg, "dr_physical")).mode(BackupMode.STREAM).build()
                    .backup(repo, BackupRequest.of(BackupType.FULL));
            assertThat(direct.manifest().property("mode")).contains("direct");
            assertThat(stream.manifest().property("mode")).contains("stream");
            assertThat(new ReadDataVerifier(repo).run().passed()).isTrue();

            assertThatThrownBy(() -> PostgresBackupSource.builder(as(pg, "dr_nobackup")).mode(BackupMode.DIRECT).build()
                    .backup(repo, BackupRequest.of(BackupType.FULL)))
                    .isInstanceOf(DrException.class)
                    .hasMessageContaining("GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean) TO dr_nobackup");
            assertThatThrownBy(() -> PostgresBackupSource.builder(as(pg, "dr_norepl")).mode(BackupMode.STREAM).build()
                    .backup(repo, BackupRequest.of(BackupType.FULL)))
                    .isInstanceOf(DrException.class).hasMessageContaining("REPLICATION");
            assertThat(repo.catalog().list()).as("failed attempts list nothing").hasSize(2);

            sql(pg, "DELETE FROM t");
            PostgresRestoreStrategy restore = PostgresRestoreStrategy.builder().binaries(pg15()).build();
            for (BackupResult b : new BackupResult[] {direct, stream}) {
                Path dest = tmp.resolve("restored-" + b.manifest().property("mode").orElseThrow());
                RestoreResult r = restore.restore(repo, RestoreRequest.to(dest).withBackup(b.id())
                        .withTarget(RecoveryTarget.immediate()).withStart(true));
                int port = Integer.parseInt(r.details().get("port"));
                try (ScratchCluster restored = ScratchCluster.builder().binaries(pg15()).existingDataDir(dest).port(port)
                        .create()) {
                    assertThat(query(port, "select count(*) from t")).as(b.id()).isEqualTo("5000");
                    restored.stop();
                }
            }
            System.out.println("FIGURE least privilege: direct and stream backups by dr_physical (LOGIN REPLICATION + "
                    + "EXECUTE on pg_backup_start, pg_backup_stop) restored 5000 rows each");
        }
    }
}
