package io.dr4j.core.plan.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dr4j.core.alert.Alert;
import io.dr4j.core.alert.Notifier;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthChecks;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.plan.Approvers;
import io.dr4j.core.plan.Component;
import io.dr4j.core.plan.Objectives;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.PlanRunner;
import io.dr4j.core.plan.PlanStatus;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RetryPolicy;
import io.dr4j.core.plan.scenario.DatabaseCorruption;
import io.dr4j.core.plan.steps.ServiceControl;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.restore.RestoreResult;
import io.dr4j.core.restore.RestoreStrategy;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database-corruption drill on a file-based stand-in system: the "table" is a file backed up into a real
 * repository, the disaster deletes it, the plan restores it through verifying reads, the environment checks the
 * rows are back. (The PostgreSQL drill uses the same runner with dr-postgres.)
 */
class DrillRunnerTest {
    static final String ROWS = "1,alice\n2,bob\n3,carol\n";

    /** Restores every file of a backup from the repository (verified) into the destination. */
    static final class FileRestore implements RestoreStrategy {
        @Override
        public String id() {
            return "file-copy";
        }

        @Override
        public RestoreResult restore(Repository repository, RestoreRequest request) {
            BackupManifest m = repository.catalog().get(request.backupId());
            long bytes = 0;
            try {
                Files.createDirectories(request.destination());
                for (BackupFile f : m.files()) {
                    try (InputStream in = repository.read(f.objectKey(), f.sha256(), f.size())) {
                        bytes += Files.copy(in, request.destination().resolve(f.path()));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new RestoreResult(m.id(), request.destination(), null, Instant.parse(m.properties().get("consistentAt")),
                    null, bytes, m.files().size(), Map.of(), Duration.ZERO, Map.of());
        }
    }

    static class Env implements DrillEnvironment {
        final Path live;
        final Path restored;
        final Repository repo;
        final Instant backupAt;
        final List<String> log = new CopyOnWriteArrayList<>();
        boolean closed;

        Env(Path dir, Instant backupAt) throws Exception {
            this.live = Files.createDirectories(dir.resolve("live"));
            this.restored = dir.resolve("restored");
            this.backupAt = backupAt;
            Files.writeString(live.resolve("orders.csv"), ROWS);
            repo = Repository.openOrInit(FileBackupTarget.of(dir.resolve("repo")), RepositoryOptions.DEFAULT, "files",
                    "files");
            try (BackupSession s = repo.catalog().begin("nightly")) {
                StoredObject o = s.writeFile("orders.csv", new ByteArrayInputStream(ROWS.getBytes(StandardCharsets.UTF_8)));
                s.commit(new BackupManifest(1, "nightly", BackupType.FULL, null, "files", "files", backupAt, backupAt,
                        Map.of("consistentAt", backupAt.toString()), Map.of(), List.of(new BackupFile("orders.csv",
                        BackupFile.Kind.FILE, o.size(), o.storedSize(), o.sha256(), o.key(), null, null, 0600, null, null)),
                        o.size(), o.storedSize()));
            }
        }

        @Override
        public String description() {
            return "file-based stand-in database in a temporary directory";
        }

        @Override
        public Map<String, String> facts() {
            return Map.of("Rows before the disaster", "3");
        }

        @Override
        public Instant simulate() throws Exception {
            Files.delete(live.resolve("orders.csv")); // the "DROP TABLE"
            log.add("simulated");
            return Instant.now();
        }

        @Override
        public List<String> verify(PlanResult result) throws Exception {
            List<String> problems = new ArrayList<>();
            Path f = restored.resolve("orders.csv");
            if (!Files.exists(f)) {
                problems.add("orders.csv was not restored");
            } else if (!Files.readString(f).equals(ROWS)) {
                problems.add("orders.csv has other rows than before the disaster");
            }
            return problems;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final class Services implements ServiceControl {
        final Map<String, Boolean> running = new ConcurrentHashMap<>(Map.of("app", true));

        @Override
        public String name() {
            return "memory";
        }

        @Override
        public void stop(String service) {
            running.put(service, false);
        }

        @Override
        public void start(String service) {
            running.put(service, true);
        }
    }

    static final class Recording implements Notifier {
        final List<Alert> alerts = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "memory";
        }

        @Override
        public void notify(Alert alert) {
            alerts.add(alert);
        }
    }

    private static RecoveryPlan plan(Env env, Services services) {
        HealthCheck restoredTable = new HealthCheck() {
            @Override
            public String name() {
                return "table:orders";
            }

            @Override
            public HealthResult check() {
                return Files.exists(env.restored.resolve("orders.csv")) ? HealthResult.up(name(), "present", Duration.ZERO)
                        : HealthResult.down(name(), "missing", Duration.ZERO);
            }
        };
        HealthCheck app = new HealthCheck() {
            @Override
            public String name() {
                return "app";
            }

            @Override
            public HealthResult check() {
                return services.running.get("app") ? HealthResult.up(name(), "running", Duration.ZERO)
                        : HealthResult.down(name(), "stopped", Duration.ZERO);
            }
        };
        return DatabaseCorruption.builder().serviceControl(services).restore(new FileRestore(), env.repo, env.restored)
                .databaseChecks(List.of(restoredTable, HealthChecks.forDiskSpace(env.restored.getParent(), 1)))
                .applicationChecks(List.of(app)).monitor(Duration.ofMillis(150), Duration.ofMillis(50))
                .verifyRetry(new RetryPolicy(2, Duration.ofMillis(20), 1, Duration.ofMillis(20))).build();
    }

    @Test
    void aDrillMeasuresRtoAndRpoWritesTheReportAndNotifies(@TempDir Path dir) throws Exception {
        Env env = new Env(dir, Instant.now().minus(Duration.ofMinutes(2)));
        Recording notifier = new Recording();
        Path reports = dir.resolve("reports");
        DrillRunner drills = DrillRunner.of(PlanRunner.builder().approver(Approvers.autoApprove("drill")).build(),
                reports, notifier);

        DrillResult r = drills.run(new Drill("quarterly database drill", plan(env, new Services()), env, Map.of()));

        assertThat(r.result().status()).as(r.result().toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(r.findings()).isEmpty();
        assertThat(r.passed()).isTrue();
        assertThat(env.closed).isTrue();
        assertThat(Files.readString(env.restored.resolve("orders.csv"))).isEqualTo(ROWS);
        Duration rpo = r.result().verdicts().get(1).achieved();
        assertThat(rpo).as("incident - backup time").isBetween(Duration.ofMinutes(2), Duration.ofMinutes(3));
        Duration rto = r.result().verdicts().get(0).achieved();
        assertThat(rto).isPositive().isLessThan(Duration.ofSeconds(30));

        assertThat(r.files()).hasSize(2).allSatisfy(f -> assertThat(f).exists().startsWith(reports));
        JsonNode json = new ObjectMapper().readTree(r.files().get(0).toFile());
        assertThat(json.get("drill").asBoolean()).isTrue();
        assertThat(json.get("objectives").get(0).get("verdict").asText()).isEqualTo("MET");
        assertThat(json.get("environment").get("Recovery verified by the environment").asText()).isEqualTo("yes");
        assertThat(Files.readString(r.files().get(1))).startsWith("# DR drill report: Database corruption");
        assertThat(reports.resolve(r.result().runId() + ".state.json")).exists();
        assertThat(notifier.alerts).extracting(Alert::title).containsExactly(
                "DR drill started: quarterly database drill", "DR drill passed: quarterly database drill");
        assertThat(notifier.alerts.get(1).fields()).containsKey("RTO Database");
    }

    @Test
    void aMissedObjectiveOrAFindingFailsTheDrillAndBecomesALesson(@TempDir Path dir) throws Exception {
        Env env = new Env(dir, Instant.now().minus(Duration.ofMinutes(2)));
        PlanRunner strict = PlanRunner.builder().approver(Approvers.autoApprove("drill"))
                .objectives(Objectives.defaults().withRpo(Component.DATABASE, Duration.ofSeconds(30))).build();
        Env lying = new Env(dir.resolve("second"), Instant.now().minus(Duration.ofMinutes(2))) {
            @Override
            public List<String> verify(PlanResult result) {
                return List.of("row 3 (carol) is missing after the restore");
            }
        };

        DrillResult missed = DrillRunner.of(strict, dir.resolve("r1")).run(new Drill("strict", plan(env, new Services()),
                env, Map.of()));
        assertThat(missed.result().status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(missed.passed()).as("RPO of 2 min misses a 30 s objective").isFalse();
        assertThat(missed.report().postMortem().lessonsLearned()).anySatisfy(l -> assertThat(l).contains("RPO objective for Database missed"));

        DrillResult found = DrillRunner.of(PlanRunner.builder().approver(Approvers.autoApprove("drill")).build(),
                dir.resolve("r2")).run(new Drill("finding", plan(lying, new Services()), lying, Map.of()));
        assertThat(found.passed()).isFalse();
        assertThat(found.report().postMortem().lessonsLearned()).contains("row 3 (carol) is missing after the restore");
        assertThat(found.report().postMortem().actionItems()).contains("Fix: row 3 (carol) is missing after the restore");
        assertThat(found.report().environment()).containsEntry("Recovery verified by the environment", "no");
    }
}
