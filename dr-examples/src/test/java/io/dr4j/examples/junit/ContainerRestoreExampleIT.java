package io.dr4j.examples.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.dr4j.core.backup.BackupType;
import io.dr4j.postgres.junit.PostgresRestoreExtension;
import io.dr4j.postgres.junit.RestoredDatabase;
import io.dr4j.postgres.junit.RestoredPostgres;
import io.dr4j.postgres.junit.TestcontainersScratch;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The newest logical dump of the repository, restored with {@code pg_restore} into a PostgreSQL container that
 * Testcontainers starts for this class and removes after it. With Docker Hub at hand this is
 * {@code .scratch(ScratchProvider.testcontainers("postgres:15"))}; here no registry is reachable and the engine has
 * no bridge network, so the image is built locally from the machine's PostgreSQL ({@link LocalPostgresImage}) and
 * the container shares the host's network.
 */
@Tag("docker")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerRestoreExampleIT {
    static final Path REPOSITORY = Path.of("target/junit-examples/logical-repo").toAbsolutePath();

    // example {
    @RegisterExtension
    static PostgresRestoreExtension restored = PostgresRestoreExtension.builder()
            .repository(REPOSITORY)
            .kind(RestoredDatabase.Kind.LOGICAL)       // the newest pg_dump backup
            .database("shop_copy")                     // restored under this name
            .scratch(TestcontainersScratch.hostNetwork(LocalPostgresImage.get()))
            .build();
    // }

    /** Stands in for production: the nightly pg_dump, then DROP TABLE orders. */
    @BeforeAll
    static void productionHadAnAccident() throws Exception {
        ShopBackups.logical(REPOSITORY);
    }

    @Test
    @Order(1)
    void theDumpIsRestoredIntoTheContainer(RestoredPostgres db) throws SQLException {
        try (Connection c = db.connect()) {
            assertThat(ShopBackups.queryLong(c, "SELECT count(*) FROM orders")).isEqualTo(ShopBackups.ORDERS_BEFORE_ACCIDENT);
            assertThat(ShopBackups.queryLong(c, "SELECT count(*) FROM customers")).isEqualTo(100);
        }
        assertThat(db.backupType()).isEqualTo(BackupType.LOGICAL);
        assertThat(db.scratch()).contains("container", LocalPostgresImage.TAG);
        assertThat(db.password()).as("the container's random password, handed over as a Secret").isPresent();
        assertThat(db.password().orElseThrow().toString()).doesNotContain(db.password().orElseThrow().reveal());
    }

    @Test
    @Order(2)
    void aMigrationRunsOnTheRestoredData(RestoredPostgres db) throws SQLException {
        assertThat(db).as("one restore for the class").isSameAs(restored.database());
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'paid'");
            st.execute("CREATE INDEX orders_customer ON orders (customer_id)");
            assertThat(ShopBackups.queryLong(c, "SELECT count(*) FROM orders WHERE status = 'paid'"))
                    .isEqualTo(ShopBackups.ORDERS_BEFORE_ACCIDENT);
        }
    }
}
