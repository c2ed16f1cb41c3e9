package io.dr4j.examples.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import com.github.dockerjava.api.model.Container;

import io.dr4j.postgres.junit.PostgresRestoreExtension;
import io.dr4j.postgres.junit.RestoredDatabase;
import io.dr4j.postgres.junit.RestoredPostgres;
import io.dr4j.postgres.junit.TestcontainersScratch;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.testcontainers.DockerClientFactory;

/**
 * Ryuk (Testcontainers' reaper) is off here, so nothing removes a container the tests forget: this runs a test class
 * using the container scratch, per method, and checks that each container existed during its test and is gone after.
 */
@Tag("docker")
class ContainerCleanupIT {
    static final Path REPOSITORY = Path.of("target/junit-examples/cleanup-repo").toAbsolutePath();
    static final List<List<String>> DURING = new ArrayList<>();

    static List<String> ours() {
        return DockerClientFactory.instance().client().listContainersCmd().withShowAll(true).exec().stream()
                .filter(c -> LocalPostgresImage.TAG.equals(c.getImage())).map(Container::getId).toList();
    }

    @Test
    void theExtensionRemovesItsContainers() throws Exception {
        ShopBackups.logical(REPOSITORY);
        LocalPostgresImage.get();
        List<String> before = ours();
        EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Sample.class)).execute();
        assertThat(r.allEvents().failed().stream().map(Object::toString).toList()).isEmpty();
        assertThat(r.testEvents().succeeded().count()).isEqualTo(2);
        assertThat(DURING).hasSize(2);
        for (List<String> during : DURING) {
            assertThat(during).as("a container of its own runs during each test").hasSize(before.size() + 1);
        }
        assertThat(DURING.get(0)).as("per method: a new container for the second test").isNotEqualTo(DURING.get(1));
        assertThat(ours()).as("every container removed afterwards").containsExactlyInAnyOrderElementsOf(before);
    }

    static class Sample {
        @RegisterExtension
        static PostgresRestoreExtension restored = PostgresRestoreExtension.builder().repository(REPOSITORY)
                .kind(RestoredDatabase.Kind.LOGICAL).perMethod()
                .scratch(TestcontainersScratch.hostNetwork(LocalPostgresImage.get())).build();

        @Test
        void first(RestoredPostgres db) throws SQLException {
            check(db);
        }

        @Test
        void second(RestoredPostgres db) throws SQLException {
            check(db);
        }

        private static void check(RestoredPostgres db) throws SQLException {
            try (Connection c = db.connect()) {
                assertThat(ShopBackups.queryLong(c, "SELECT count(*) FROM orders"))
                        .isEqualTo(ShopBackups.ORDERS_BEFORE_ACCIDENT);
            }
            DURING.add(ours());
        }
    }
}
