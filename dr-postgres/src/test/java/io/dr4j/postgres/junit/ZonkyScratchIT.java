package io.dr4j.postgres.junit;

import static io.dr4j.postgres.junit.SampleBackups.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.postgres.cluster.PostgresBinaries;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A machine without the backup's PostgreSQL: a PostgreSQL 17 backup (source run with the zonky 17 binaries) is
 * restored with the default providers; where the machine has only 15 (CI), the zonky jar on the test class path
 * serves.
 */
class ZonkyScratchIT {
    static final String REPO = "dr4j.it.zonky-repo";
    static final List<RestoredPostgres> SEEN = new ArrayList<>();
    static final List<Long> COUNTS = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void backup() throws Exception {
        // the cache ScratchProvider.zonky() uses too: extracted once
        PostgresBinaries pg17 = PostgresBinaries.fromClasspath(Path.of(System.getProperty("java.io.tmpdir"),
                "dr4j-zonky")).orElseThrow();
        assertThat(pg17.majorVersion()).as("zonky jar on the test class path").isEqualTo(17);
        SampleBackups.Made made = SampleBackups.make(pg17, dir.resolve("pg17"), false);
        System.setProperty(REPO, made.repository().toUri().toString());
    }

    @AfterAll
    static void clear() {
        System.clearProperty(REPO);
    }

    @Test
    void theZonkyBinariesRecoverABackupTheMachineCannotRun() {
        EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Sample.class)).execute();
        assertThat(r.allEvents().failed().stream().map(e -> e.toString()).toList()).isEmpty();
        assertThat(r.testEvents().succeeded().count()).isEqualTo(1);
        assertThat(COUNTS).as("orders, server major version").containsExactly(SampleBackups.ORDERS_BEFORE_ACCIDENT, 17L);
        RestoredPostgres db = SEEN.get(0);
        // the machine comes first when it has the backup's version (CI has only 15)
        assertThat(db.scratch()).startsWith((PostgresBinaries.installed(17).isPresent() ? "machine" : "zonky")
                + " binaries PostgreSQL 17");
        assertThat(db.isStopped()).isTrue();
    }

    static class Sample {
        @RegisterExtension
        static PostgresRestoreExtension restored = PostgresRestoreExtension.builder()
                .repository(System.getProperty(REPO)).target(RecoveryTarget.name("before_accident")).database("app")
                .build(); // default providers: the machine's binaries, then zonky's

        @Test
        void ordersAreBack(RestoredPostgres db) throws SQLException {
            SEEN.add(db);
            try (Connection c = db.connect()) {
                COUNTS.add(count(c, "SELECT count(*) FROM orders"));
                COUNTS.add(count(c, "SELECT current_setting('server_version_num')::int / 10000"));
            }
        }
    }
}
