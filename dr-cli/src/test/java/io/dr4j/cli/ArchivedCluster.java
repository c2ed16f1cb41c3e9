package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalNames;
import io.dr4j.postgres.PostgresBackupSource;
import io.dr4j.postgres.PostgresCluster;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;
import io.dr4j.postgres.wal.WalArchiver;

/**
 * The CLI scenario tests' source: a real PostgreSQL 15 cluster on 127.0.0.1 with a file repository under
 * {@code dir/repo}, the streaming WAL archiver running into it, and the environment ({@code PG*},
 * {@code DR_REPOSITORY}) the {@code dr} command reads.
 */
final class ArchivedCluster implements AutoCloseable {
    final PostgresBinaries bin;
    final ScratchCluster pg;
    final Path dir;
    final Path repoDir;
    final Map<String, String> env = new HashMap<>();
    final Repository repo;
    private final DisasterRecovery dr;
    private final WalArchiver archiver;

    private ArchivedCluster(Path dir, String slot) throws Exception {
        this.dir = dir;
        this.bin = PostgresBinaries.installed(15).orElseThrow(() -> new AssertionError("PostgreSQL 15 is not installed "
                + "(/usr/lib/postgresql/15/bin): apt-get install postgresql-15"));
        this.pg = ScratchCluster.builder().binaries(bin).start();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", Integer.toString(pg.port()));
        env.put("PGUSER", "postgres");
        env.put("PGDATABASE", "postgres");
        this.repoDir = dir.resolve("repo");
        env.put("DR_REPOSITORY", repoDir.toString());
        PostgresCluster cluster = PostgresCluster.builder().host("127.0.0.1").port(pg.port()).user("postgres")
                .database("postgres").dataDir(pg.dataDir()).build();
        String systemId = PostgresBackupSource.builder(cluster).build().systemId();
        this.dr = DisasterRecovery.configure().repository(repoDir.toUri()).load();
        this.repo = dr.openRepository(systemId, "postgresql");
        this.archiver = WalArchiver.builder().jdbcUrl(pg.jdbcUrl("postgres")).user("postgres").repository(repo)
                .spoolDir(dir.resolve("spool")).slotName(slot).partialInterval(Duration.ofMillis(500)).build();
        archiver.start();
    }

    /** Starts the cluster, runs {@code sql} on it, and starts the archiver (replication slot {@code slot}). */
    static ArchivedCluster start(Path dir, String slot, String... sql) throws Exception {
        Files.createDirectories(dir);
        ArchivedCluster c = new ArchivedCluster(dir, slot);
        try {
            c.sql(sql);
        } catch (Exception e) {
            c.close();
            throw e;
        }
        return c;
    }

    void sql(String... statements) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    long count(String sql) throws SQLException {
        try (Connection c = pg.connect("postgres"); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The server's clock (the one recovery compares commit times with). */
    Instant serverNow() throws SQLException {
        try (Connection c = pg.connect("postgres");
             ResultSet rs = c.createStatement().executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    /** {@code dr backup} of the cluster (extra arguments appended); asserts it succeeded. */
    void backup(String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "backup";
        args[1] = "--pgdata";
        args[2] = pg.dataDir().toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        CliTest.Run b = CliTest.dr(env, args);
        assertThat(b.code()).as(b.out() + b.err()).isZero();
    }

    /** Waits until the WAL up to the server's current position is in the repository. */
    void awaitArchived() throws Exception {
        try (Connection c = pg.connect("postgres");
             ResultSet rs = c.createStatement().executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            assertThat(archiver.awaitArchived(WalNames.parseLsn(rs.getString(1)), Duration.ofSeconds(60))).isTrue();
        }
    }

    /** A server restored by {@code dr} into {@code dataDir} and left running on {@code port}: its count, then stopped. */
    long countOnRestored(Path dataDir, int port, String sql) throws Exception {
        try (ScratchCluster back = ScratchCluster.builder().binaries(bin).existingDataDir(dataDir).port(port)
                .create()) {
            try (Connection c = back.connect("postgres"); ResultSet rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            } finally {
                back.stop();
            }
        }
    }

    @Override
    public void close() throws Exception {
        try (pg; dr; repo; archiver) {
            // closed in reverse order: archiver, repository, DisasterRecovery, cluster
        }
    }
}
