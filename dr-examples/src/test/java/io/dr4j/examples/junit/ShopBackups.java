package io.dr4j.examples.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;

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
import io.dr4j.postgres.logical.PgTarget;
import io.dr4j.postgres.logical.PostgresLogicalBackup;
import io.dr4j.postgres.wal.WalArchiver;

/**
 * The examples' fixture, standing in for production: a PostgreSQL cluster with a {@code shop} database, backed up
 * into a file repository the way a service embedding dr4j does it, then the accident. In a real project the
 * repository already exists (the nightly backups), and the test only restores from it.
 */
final class ShopBackups {
    static final long ORDERS_AT_BACKUP = 2000;
    static final long ORDERS_BEFORE_ACCIDENT = 2300;

    /** What was made: the repository and a time between the last good order and the accident. */
    record Made(Path repository, Instant beforeAccident) {
    }

    private ShopBackups() {
    }

    /**
     * A full backup with its WAL streamed by the archiver (what point-in-time recovery needs), 300 more orders, then
     * the accident ({@code DROP TABLE orders}), archived too.
     */
    static Made physical(Path repository) throws Exception {
        try (ScratchCluster source = startShop(repository)) {
            PostgresCluster cluster = PostgresCluster.builder().host("127.0.0.1").port(source.port()).user("postgres")
                    .database("postgres").dataDir(source.dataDir()).build();
            PostgresBackupSource backups = PostgresBackupSource.builder(cluster).mode(BackupMode.DIRECT).build();
            try (DisasterRecovery dr = DisasterRecovery.configure().repository(repository.toUri()).load();
                 Repository repo = dr.openRepository(backups.systemId(), "postgresql");
                 WalArchiver archiver = WalArchiver.builder().jdbcUrl(source.jdbcUrl("postgres")).user("postgres")
                         .repository(repo).spoolDir(repository.resolveSibling(repository.getFileName() + "-spool"))
                         .slotName("dr4j_example").partialInterval(Duration.ofSeconds(1)).build()) {
                archiver.start();
                backups.backup(repo, BackupRequest.of(BackupType.FULL));
                moreOrders(source);
                Instant beforeAccident = pause();
                sql(source, "shop", "DROP TABLE orders");
                long lsn;
                try (Connection c = source.connect("shop"); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()")) {
                    rs.next();
                    lsn = WalNames.parseLsn(rs.getString(1));
                }
                if (!archiver.awaitArchived(lsn, Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the WAL of the accident was not archived: " + archiver.status());
                }
                return new Made(repository, beforeAccident);
            }
        }
    }

    /** A logical dump of {@code shop} (2,300 orders) taken with pg_dump, then the accident. */
    static Made logical(Path repository) throws Exception {
        try (ScratchCluster source = startShop(repository)) {
            moreOrders(source);
            PostgresLogicalBackup dump = PostgresLogicalBackup.builder()
                    .target(new PgTarget("127.0.0.1", source.port(), "postgres", null, "shop")).build();
            try (DisasterRecovery dr = DisasterRecovery.configure().repository(repository.toUri()).load();
                 Repository repo = dr.openRepository(dump.systemId(), "postgresql")) {
                dump.backup(repo, BackupRequest.of(BackupType.LOGICAL));
            }
            Instant beforeAccident = pause();
            sql(source, "shop", "DROP TABLE orders");
            return new Made(repository, beforeAccident);
        }
    }

    private static ScratchCluster startShop(Path repository) throws Exception {
        deleteTree(repository);
        Files.createDirectories(repository.getParent());
        PostgresBinaries bin = PostgresBinaries.newestInstalled().or(() -> PostgresBinaries.fromClasspath(
                repository.resolveSibling("pg-binaries"))).orElseThrow();
        ScratchCluster source = ScratchCluster.builder().binaries(bin).start();
        sql(source, "postgres", "CREATE DATABASE shop");
        sql(source, "shop", "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 100) g",
                "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, "
                        + "amount numeric(10,2) NOT NULL)",
                "INSERT INTO orders (customer_id, amount) SELECT 1 + g % 100, g * 0.5 FROM generate_series(1, 2000) g");
        return source;
    }

    private static void moreOrders(ScratchCluster source) throws SQLException {
        sql(source, "shop", "INSERT INTO orders (customer_id, amount) SELECT 1 + g % 100, g "
                + "FROM generate_series(1, 300) g");
    }

    /** A moment between the last good write and the accident. */
    private static Instant pause() throws InterruptedException {
        Thread.sleep(300);
        Instant t = Instant.now();
        Thread.sleep(300);
        return t;
    }

    static void sql(ScratchCluster pg, String db, String... statements) throws SQLException {
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void deleteTree(Path p) throws java.io.IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
