package io.dr4j.postgres.junit;

import static io.dr4j.postgres.junit.SampleBackups.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.postgres.PostgresRestoreStrategy;
import io.dr4j.postgres.cluster.PostgresBinaries;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * Physical restores into a container, on the real Docker engine and the image built from this machine's PostgreSQL
 * 15 ({@link LocalImages}; its server runs as uid 999, not as this machine's postgres user): point-in-time recovery
 * to a time, recovery to the end of the WAL, the refusal of an image of
 * another major version, a recovery that does not end (timeout quoting the container's log), and that containers
 * and restored directories are gone afterwards. The sample classes run through the JUnit engine.
 */
@Tag("docker")
class ContainerPhysicalRestoreIT {
    static final String LABEL = "io.dr4j.restored-data-directory";
    static final List<Seen> SEEN = new ArrayList<>();

    @TempDir
    static Path dir;
    static SampleBackups.Made made;

    /** What a sample test saw while its database ran. */
    record Seen(String name, RestoredPostgres db, Path dataDir, long orders, boolean inRecovery, String timeline,
                String container, String containerUser, int dataUid, List<String> restoreCommandScripts,
                Map<String, Integer> walOwners) {
    }

    @BeforeAll
    static void backups() throws Exception {
        LocalImages.build();
        made = SampleBackups.make(PostgresBinaries.installed(15).orElseThrow(), dir.resolve("pg15"), false);
        System.setProperty(PostgresRestoreExtensionIT.REPO, made.repository().toUri().toString());
        System.setProperty(PostgresRestoreExtensionIT.INCIDENT, made.beforeAccident().toString());
    }

    @AfterAll
    static void clear() {
        System.clearProperty(PostgresRestoreExtensionIT.REPO);
        System.clearProperty(PostgresRestoreExtensionIT.INCIDENT);
    }

    static List<Container> restoreContainers() {
        return DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
                .withLabelFilter(List.of(LABEL)).exec();
    }

    /** Called by the sample tests while their database runs. */
    static Seen look(String name, RestoredPostgres db) throws Exception {
        List<Container> running = restoreContainers();
        assertThat(running).as("one container runs the restored data directory").hasSize(1);
        InspectContainerResponse c = DockerClientFactory.instance().client()
                .inspectContainerCmd(running.get(0).getId()).exec();
        Path data = Path.of(c.getConfig().getLabels().get(LABEL));
        List<String> scripts;
        try (var s = Files.list(data.resolve("pg_wal"))) {
            scripts = s.map(p -> p.getFileName().toString()).toList();
        }
        Map<String, Integer> walOwners = new java.util.TreeMap<>();
        try (var s = Files.list(data.resolve("pg_wal"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                walOwners.put(p.getFileName().toString(), (Integer) Files.getAttribute(p, "unix:uid",
                        LinkOption.NOFOLLOW_LINKS));
            }
        }
        try (Connection conn = db.connect(); Statement st = conn.createStatement()) {
            boolean inRecovery;
            try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                inRecovery = rs.getBoolean(1);
            }
            String timeline;
            try (ResultSet rs = st.executeQuery("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")) {
                rs.next();
                timeline = rs.getString(1);
            }
            Seen seen = new Seen(name, db, data, count(conn, "SELECT count(*) FROM orders"), inRecovery, timeline,
                    c.getId(), c.getConfig().getUser(),
                    (Integer) Files.getAttribute(data, "unix:uid", LinkOption.NOFOLLOW_LINKS), scripts, walOwners);
            SEEN.add(seen);
            return seen;
        }
    }

    static void assertGone(Seen s) throws Exception {
        PostgresRestoreExtensionIT.assertGone(s.db());
        assertThat(restoreContainers()).as("the container is removed").isEmpty();
        assertThat(s.dataDir().getParent()).as("the restored directory is removed").doesNotExist();
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void pointInTimeRecoveryRunsInsideTheContainer() throws Exception {
        SEEN.clear();
        PostgresRestoreExtensionIT.assertAllPassed(PostgresRestoreExtensionIT.run(TargetTime.class));
        assertThat(SEEN).hasSize(1);
        Seen s = SEEN.get(0);
        assertThat(s.orders()).as("500 orders in the backup, 250 more replayed from the WAL, the DELETE after the "
                + "target time not replayed").isEqualTo(SampleBackups.ORDERS_BEFORE_ACCIDENT);
        assertThat(s.inRecovery()).as("recovery ended, the server was promoted").isFalse();
        assertThat(s.timeline()).as("a new timeline after point-in-time recovery").isEqualTo("00000002");
        assertThat(s.containerUser()).as("the image's server user, found in the image").isEqualTo("999:999");
        assertThat(s.dataUid()).as("the restored directory was given to the container's uid").isEqualTo(999);
        assertThat(s.restoreCommandScripts()).as("the WAL spool is removed once recovery ended")
                .doesNotContain("dr4j-spool");
        assertThat(s.walOwners().keySet()).as("segments of timeline 1 came through the spool into pg_wal")
                .anyMatch(n -> n.startsWith("00000001"));
        assertThat(s.walOwners().values()).as("the prefetcher gave the WAL it served to the container's uid: "
                + s.walOwners()).containsOnly(999);
        assertThat(s.db().scratch()).startsWith("Testcontainers container " + LocalImages.PG15 + " (host network) "
                + "PostgreSQL 15.");
        assertThat(s.db().recoveredToLsn()).isPresent();
        assertThat(s.db().jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:").endsWith("/app");
        assertGone(s);
    }

    static class TargetTime {
        @RegisterExtension
        static PostgresRestoreExtension restored = PostgresRestoreExtension.builder()
                .repository(System.getProperty(PostgresRestoreExtensionIT.REPO))
                .kind(RestoredDatabase.Kind.PHYSICAL)
                .targetTime(java.time.Instant.parse(System.getProperty(PostgresRestoreExtensionIT.INCIDENT)))
                .database("app")
                .scratch(TestcontainersScratch.hostNetwork(LocalImages.PG15))
                .build();

        @Test
        void ordersBeforeTheAccidentAreBack(RestoredPostgres db) throws Exception {
            look("target time", db);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void latestWithTheAnnotation() throws Exception {
        SEEN.clear();
        PostgresRestoreExtensionIT.assertAllPassed(PostgresRestoreExtensionIT.run(Latest.class));
        assertThat(SEEN).extracting(Seen::name).containsExactly("latest");
        Seen latest = SEEN.get(0);
        assertThat(latest.orders()).as("all WAL replayed, up to the partial segment archived last: the accident "
                + "(DELETE FROM orders) too").isZero();
        assertThat(latest.inRecovery()).isFalse();
        assertThat(latest.timeline()).isEqualTo("00000002");
        assertThat(latest.containerUser()).isEqualTo("999:999");
        assertGone(latest);
    }

    static class Latest {
        @Test
        void latest(@RestoredDatabase(repository = "${" + PostgresRestoreExtensionIT.REPO + "}",
                kind = RestoredDatabase.Kind.PHYSICAL, database = "app",
                scratch = RestoredDatabase.Scratch.TESTCONTAINERS, image = LocalImages.PG15, hostNetwork = true)
                RestoredPostgres db) throws Exception {
            look("latest", db);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void anImageOfAnotherMajorVersionIsRefused() throws Exception {
        List<Container> before = restoreContainers();
        String failure = PostgresRestoreExtensionIT.failureOf(PostgresRestoreExtensionIT.run(OtherMajor.class));
        assertThat(failure).contains("No scratch PostgreSQL 15 for a physical restore",
                "image " + LocalImages.CLAIMS_16 + " runs PostgreSQL 16.4 but the backup is of PostgreSQL 15",
                "image = \"postgres:15\"", "TestcontainersScratch.hostNetwork(\"postgres:15\")")
                .as("refused when choosing the scratch, before the restore").doesNotContain("Restore of backup");
        assertThat(restoreContainers()).isEqualTo(before);
        assertThat(DockerClientFactory.instance().client().listContainersCmd().withShowAll(true).exec())
                .as("the throwaway container that asked the image is removed")
                .noneMatch(c -> c.getImage().equals(LocalImages.CLAIMS_16));
    }

    static class OtherMajor {
        @RegisterExtension
        static PostgresRestoreExtension restored = PostgresRestoreExtension.builder()
                .repository(System.getProperty(PostgresRestoreExtensionIT.REPO))
                .kind(RestoredDatabase.Kind.PHYSICAL)
                .scratch(TestcontainersScratch.hostNetwork(LocalImages.CLAIMS_16))
                .build();

        @Test
        void restore(RestoredPostgres db) {
            throw new AssertionError("not reached: " + db);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void aRecoveryThatDoesNotEndTimesOutQuotingTheContainersLog() throws Exception {
        ContainerRecovery launcher = (ContainerRecovery) TestcontainersScratch.hostNetwork(LocalImages.PG15)
                .recoveryLauncher(15).orElseThrow();
        Path data = dir.resolve("paused");
        try (DisasterRecovery dr = DisasterRecovery.configure().repository(made.repository().toUri()).load();
             Repository repo = dr.repository()) {
            // pause at the target: the server stays in recovery until someone resumes it, so the restore gives up
            assertThatThrownBy(() -> PostgresRestoreStrategy.builder().launcher(launcher)
                    .recoveryTimeout(Duration.ofSeconds(4)).build().restore(repo, RestoreRequest.to(data)
                            .withTarget(RecoveryTarget.name("before_accident")).withStart(true)
                            .withOptions(Map.of("recovery-target-action", "pause"))))
                    .isInstanceOf(RestoreFailedException.class)
                    .hasMessageContaining("did not end within PT4S")
                    .hasMessageContaining("container " + java.util.Objects.requireNonNull(launcher.started())
                            .containerId().substring(0, 12))
                    .hasMessageContaining("uid:gid 999:999")
                    .hasMessageContaining("Server log:")
                    .hasMessageContaining("pausing at the end of recovery");
        } finally {
            launcher.stop();
        }
        assertThat(restoreContainers()).as("stopped and removed").isEmpty();
    }
}
