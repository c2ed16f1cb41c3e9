package io.dr4j.postgres.junit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalNames;
import io.dr4j.postgres.BackupMode;
import io.dr4j.postgres.PostgresBackupSource;
import io.dr4j.postgres.PostgresCluster;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.internal.Processes;
import io.dr4j.postgres.logical.PgTarget;
import io.dr4j.postgres.logical.PostgresLogicalBackup;
import io.dr4j.postgres.wal.WalArchiver;

import org.jspecify.annotations.Nullable;

/**
 * A repository made for the extension tests: database {@code app} with 500 orders, a full backup with WAL streamed
 * by the archiver, 250 more orders, an optional logical dump (750 orders), a restore point {@code before_accident},
 * then the accident ({@code DELETE FROM orders}) archived. The source is stopped and removed.
 */
final class SampleBackups {
    static final long ORDERS_AT_BACKUP = 500;
    static final long ORDERS_BEFORE_ACCIDENT = 750;

    /**
     * @param repository   the repository directory
     * @param beforeAccident a time after the last good order and before the accident
     * @param fullId       the full backup
     * @param logicalId    the logical backup, if taken
     */
    record Made(Path repository, Instant beforeAccident, String fullId, @Nullable String logicalId) {
    }

    private SampleBackups() {
    }

    static Made make(PostgresBinaries bin, Path dir, boolean logical) throws Exception {
        Processes.makeTraversable(dir);
        Path repoDir = dir.resolve("repo");
        try (ScratchCluster src = ScratchCluster.builder().binaries(bin).baseDir(dir.resolve("source")).start()) {
            sql(src, "postgres", "CREATE DATABASE app");
            sql(src, "app", "CREATE TABLE orders (id bigserial PRIMARY KEY, amount numeric(10,2) NOT NULL, note text)",
                    "INSERT INTO orders (amount, note) SELECT g * 1.5, md5(g::text) FROM generate_series(1, 500) g");
            PostgresCluster cluster = PostgresCluster.builder().host("127.0.0.1").port(src.port()).user("postgres")
                    .database("postgres").dataDir(src.dataDir()).build();
            PostgresBackupSource source = PostgresBackupSource.builder(cluster).mode(BackupMode.DIRECT).build();
            try (DisasterRecovery dr = DisasterRecovery.configure().repository(repoDir.toUri()).load();
                 Repository repo = dr.openRepository(source.systemId(), "postgresql");
                 WalArchiver archiver = WalArchiver.builder().jdbcUrl(src.jdbcUrl("postgres")).user("postgres")
                         .repository(repo).spoolDir(dir.resolve("wal-spool")).slotName("dr4j_junit")
                         .partialInterval(Duration.ofSeconds(1)).build()) {
                archiver.start();
                String full = source.backup(repo, BackupRequest.of(BackupType.FULL)).id();
                sql(src, "app", "INSERT INTO orders (amount, note) SELECT g, 'after the backup' "
                        + "FROM generate_series(1, 250) g");
                String logicalId = null;
                if (logical) {
                    logicalId = PostgresLogicalBackup.builder().target(new PgTarget("127.0.0.1", src.port(), "postgres",
                            null, "app")).build().backup(repo, BackupRequest.of(BackupType.LOGICAL)).id();
                }
                sql(src, "app", "SELECT pg_create_restore_point('before_accident')");
                Thread.sleep(300);
                Instant beforeAccident = Instant.now();
                Thread.sleep(300);
                sql(src, "app", "DELETE FROM orders");
                long lsn;
                try (Connection c = src.connect("app"); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()")) {
                    rs.next();
                    lsn = WalNames.parseLsn(rs.getString(1));
                }
                if (!archiver.awaitArchived(lsn, Duration.ofSeconds(60))) {
                    throw new IllegalStateException("WAL of the accident not archived: " + archiver.status());
                }
                return new Made(repoDir, beforeAccident, full, logicalId);
            }
        }
    }

    static void sql(ScratchCluster pg, String db, String... statements) throws SQLException {
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    static long count(Connection c, String query) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
