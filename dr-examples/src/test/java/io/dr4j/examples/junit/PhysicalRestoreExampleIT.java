package io.dr4j.examples.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import io.dr4j.core.backup.BackupType;
import io.dr4j.postgres.junit.RestoredDatabase;
import io.dr4j.postgres.junit.RestoredPostgres;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A test that runs against yesterday's production data, recovered to a point in time: the newest physical backup of
 * the repository plus its archived WAL, replayed to just before the accident in a scratch cluster — the machine's
 * PostgreSQL binaries, or zonky's when the machine has none (the default providers).
 *
 * <p>The repository location and the recovery time come from system properties ({@code ${NAME}}), so a CI job can
 * point the same test at the real repository: {@code -Ddr4j.example.repository=s3://backups/shop}.
 *
 * <p>The second test recovers the same backup to the same time in a PostgreSQL container instead (Testcontainers):
 * for machines without PostgreSQL binaries of the backup's version but with Docker. The restore runs here, the
 * restored directory is bind-mounted into a container of the image, whose server replays the WAL. With Docker Hub at
 * hand the image is {@code "postgres:15"}; here it is built locally ({@link LocalPostgresImage}), and the engine has
 * no bridge network, which the physical container path does not need anyway: it always uses the host's network.
 */
class PhysicalRestoreExampleIT {
    static final Path REPOSITORY = Path.of("target/junit-examples/physical-repo").toAbsolutePath();

    /** Stands in for production: a backup, WAL, more orders, then DROP TABLE orders. */
    @BeforeAll
    static void productionHadAnAccident() throws Exception {
        ShopBackups.Made made = ShopBackups.physical(REPOSITORY);
        System.setProperty("dr4j.example.repository", made.repository().toUri().toString());
        System.setProperty("dr4j.example.before-accident", made.beforeAccident().toString());
        LocalPostgresImage.get(); // only for the container test: builds dr4j/postgres-local:15 when missing
    }

    @AfterAll
    static void clear() {
        System.clearProperty("dr4j.example.repository");
        System.clearProperty("dr4j.example.before-accident");
    }

    // example {
    @Test
    void everyOrderCommittedBeforeTheAccidentIsBack(
            @RestoredDatabase(repository = "${dr4j.example.repository}", kind = RestoredDatabase.Kind.PHYSICAL,
                    targetTime = "${dr4j.example.before-accident}", database = "shop") RestoredPostgres db)
            throws SQLException {
        try (Connection c = db.connect()) {
            assertThat(ShopBackups.queryLong(c, "SELECT count(*) FROM orders"))
                    .isEqualTo(ShopBackups.ORDERS_BEFORE_ACCIDENT);
            assertThat(ShopBackups.queryLong(c, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id"))
                    .as("foreign keys hold in the recovered data").isEqualTo(ShopBackups.ORDERS_BEFORE_ACCIDENT);
        }
        assertThat(db.backupType()).isEqualTo(BackupType.FULL);
        assertThat(db.recoveredToLsn()).isPresent();
        assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:").endsWith("/shop");
    }
    // }

    // container example {
    @Test
    @Tag("docker")
    void theSameRecoveryInAContainer(
            @RestoredDatabase(repository = "${dr4j.example.repository}", kind = RestoredDatabase.Kind.PHYSICAL,
                    targetTime = "${dr4j.example.before-accident}", database = "shop",
                    scratch = RestoredDatabase.Scratch.TESTCONTAINERS, image = LocalPostgresImage.TAG,
                    hostNetwork = true) RestoredPostgres db)
            throws SQLException {
        try (Connection c = db.connect()) {
            assertThat(ShopBackups.queryLong(c, "SELECT count(*) FROM orders"))
                    .isEqualTo(ShopBackups.ORDERS_BEFORE_ACCIDENT);
            assertThat(ShopBackups.queryLong(c, "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END"))
                    .as("recovery has ended, the server was promoted").isZero();
        }
        assertThat(db.scratch()).startsWith("Testcontainers container " + LocalPostgresImage.TAG);
        assertThat(db.recoveredToLsn()).isPresent();
    }
    // }
}
