package io.dr4j.core.plan.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.plan.Component;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RetryPolicy;
import io.dr4j.core.plan.Step;
import io.dr4j.core.plan.StepAction;
import io.dr4j.core.plan.StepOutput;
import io.dr4j.core.plan.Steps;
import io.dr4j.core.plan.steps.FindCleanBackup;
import io.dr4j.core.plan.steps.RestoreDatabase;
import io.dr4j.core.plan.steps.ServiceControl;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreStrategy;

import org.jspecify.annotations.Nullable;

/**
 * Scenario 1, database corruption: stop the application → pick the last good backup (in parallel) → point-in-time
 * recovery to just before the corruption → verify the database → restart the application → verify it → monitor.
 * Measured against the database RTO and RPO.
 */
public final class DatabaseCorruption {
    public static final String ID = "database-corruption";

    private @Nullable ServiceControl services;
    private List<String> serviceNames = List.of();
    private @Nullable RestoreStrategy strategy;
    private @Nullable Repository repository;
    private @Nullable Path destination;
    private Map<String, String> restoreOptions = Map.of();
    private List<HealthCheck> databaseChecks = List.of();
    private List<HealthCheck> applicationChecks = List.of();
    private FindCleanBackup.Depth pickDepth = FindCleanBackup.Depth.PRESENCE;
    private Duration monitorWindow = Duration.ofMinutes(15);
    private Duration monitorInterval = Duration.ofSeconds(30);

    private RetryPolicy verifyRetry = RetryPolicy.exponential(5, Duration.ofSeconds(2));

    private DatabaseCorruption() {
    }

    /** How verification steps retry while services come up (default 5 attempts, 2 s backoff doubling). */
    public DatabaseCorruption verifyRetry(RetryPolicy r) {
        this.verifyRetry = java.util.Objects.requireNonNull(r, "verifyRetry");
        return this;
    }

    public static DatabaseCorruption builder() {
        return new DatabaseCorruption();
    }

    /** Stops and starts the application services (the names come from the plan input {@code services}). */
    public DatabaseCorruption serviceControl(ServiceControl c) {
        this.services = Objects.requireNonNull(c, "serviceControl");
        return this;
    }

    /** Restores with this strategy from this repository into {@code destination}. */
    public DatabaseCorruption restore(RestoreStrategy s, Repository r, Path destination) {
        this.strategy = Objects.requireNonNull(s, "strategy");
        this.repository = Objects.requireNonNull(r, "repository");
        this.destination = Objects.requireNonNull(destination, "destination");
        return this;
    }

    /** Strategy options, e.g. {@code port}. */
    public DatabaseCorruption restoreOptions(Map<String, String> o) {
        this.restoreOptions = Map.copyOf(o);
        return this;
    }

    /**
     * How the backup is checked before the restore: {@code PRESENCE} (default; the restore verifies every checksum
     * while it reads) or {@code CHECKSUMS} (re-read everything first, when the backups themselves are suspect).
     */
    public DatabaseCorruption backupCheck(FindCleanBackup.Depth d) {
        this.pickDepth = Objects.requireNonNull(d, "depth");
        return this;
    }

    public DatabaseCorruption databaseChecks(List<HealthCheck> c) {
        this.databaseChecks = List.copyOf(c);
        return this;
    }

    public DatabaseCorruption applicationChecks(List<HealthCheck> c) {
        this.applicationChecks = List.copyOf(c);
        return this;
    }

    public DatabaseCorruption monitor(Duration window, Duration interval) {
        this.monitorWindow = window;
        this.monitorInterval = interval;
        return this;
    }

    /** The plan with every collaborator; throws listing the missing ones. */
    public RecoveryPlan build() {
        new ScenarioSupport.Required(ID).need(services, "a ServiceControl (serviceControl(...))")
                .need(strategy, "a RestoreStrategy, Repository and destination (restore(...))")
                .needChecks(databaseChecks, "the database (databaseChecks(...))")
                .needChecks(applicationChecks, "the application (applicationChecks(...))").check();
        return plan(false);
    }

    /** The plan as documentation: same steps and text, collaborators not needed (its steps refuse to run). */
    public RecoveryPlan buildForRunbook() {
        return plan(true);
    }

    private RecoveryPlan plan(boolean doc) {
        StepAction stop = doc ? ScenarioSupport.unconfigured(ID, "ServiceControl") : ctx -> {
            List<String> names = ScenarioSupport.list(ctx.input("services"));
            for (String s : names) {
                ctx.progress("stopping " + s);
                services.stop(s);
            }
            return StepOutput.of("stopped " + String.join(", ", names) + " with " + services.name());
        };
        StepAction start = doc ? ScenarioSupport.unconfigured(ID, "ServiceControl") : ctx -> {
            List<String> names = ScenarioSupport.list(ctx.input("services"));
            for (String s : names) {
                ctx.progress("starting " + s);
                services.start(s);
            }
            return StepOutput.of("started " + String.join(", ", names) + " with " + services.name());
        };
        StepAction pick = doc ? ScenarioSupport.unconfigured(ID, "Repository")
                : new FindCleanBackup(repository, ctx -> ScenarioSupport.time(ctx, "recoveryTargetTime"), 5,
                pickDepth);
        StepAction restore = doc ? ScenarioSupport.unconfigured(ID, "RestoreStrategy")
                : RestoreDatabase.builder(strategy, repository).destination(destination).backupFromStep("pick-backup")
                .options(restoreOptions)
                .target(ctx -> new RecoveryTarget.Time(ScenarioSupport.time(ctx, "recoveryTargetTime"), false)).build();
        List<HealthCheck> noChecks = new ArrayList<>();
        return RecoveryPlan.builder(ID).title("Database corruption")
                .description("The database holds corrupt or wrongly changed data (a bad migration, a dropped table, "
                        + "storage errors). Recover it to the moment just before the corruption with point-in-time "
                        + "recovery from the newest clean backup and the archived WAL, then bring the application back.")
                .symptom("Database errors").symptom("Data inconsistencies").symptom("Application failures")
                .input("services", "the application services to stop during the restore, comma-separated", "app")
                .input("recoveryTargetTime", "the ISO-8601 instant to recover to (exclusive), or 'incident' for the "
                        + "run's incident time", ScenarioSupport.INCIDENT)
                .rto(Component.DATABASE).rpo(Component.DATABASE)
                .step(Step.builder("stop-application").title("Stop the application").role("DevOps Engineer")
                        .description("Stop every application service so nothing writes to the database while it is "
                                + "restored and no user sees inconsistent data.")
                        .timeout(Duration.ofMinutes(5)).expectedDuration(Duration.ofMinutes(1))
                        .retry(RetryPolicy.exponential(3, Duration.ofSeconds(5))).action(stop)
                        .instruction("Stop the services named in `services` (e.g. `docker compose stop app`)."))
                .step(Step.builder("pick-backup").title("Identify the last known good backup").role("Database Administrator")
                        .description("Find the newest backup that finished before the recovery target time with every "
                                + "object present at its recorded size; incomplete ones are reported and skipped (the "
                                + "restore then checks every file's size and CRC-32C while it reads). Runs while the "
                                + "application stops.")
                        .timeout(Duration.ofMinutes(30)).expectedDuration(Duration.ofMinutes(3)).action(pick)
                        .instruction("`dr list` and pick the newest backup before the corruption.")
                        .instruction("`dr verify --read-data --backup <backup-id>` re-reads it and checks every checksum."))
                .step(Step.builder("restore-database").title("Restore the database to just before the corruption")
                        .role("Database Administrator").dependsOn("stop-application", "pick-backup")
                        .description("Point-in-time recovery: restore the chosen backup into a new data directory, "
                                + "replay the archived WAL up to (not including) the recovery target time, start the "
                                + "server and wait until recovery has ended.")
                        .timeout(Duration.ofMinutes(60)).expectedDuration(Duration.ofMinutes(8)).action(restore)
                        .instruction("`dr restore --backup <id> --target-time <recoveryTargetTime> --to <new data dir>`.")
                        .instruction("Point the database service at the new data directory and start it."))
                .step(Steps.verify("verify-database", "Verify data integrity", doc ? noChecks : databaseChecks).retry(verifyRetry)
                        .role("Database Administrator").dependsOn("restore-database")
                        .description("Run the database health checks (connectivity, integrity queries) on the restored "
                                + "database; all must be UP.")
                        .instruction("Connect with psql and run the integrity queries (row counts of key tables)."))
                .step(Step.builder("restart-application").title("Restart the application").role("DevOps Engineer")
                        .dependsOn("verify-database")
                        .description("Start the application services again on the restored database.")
                        .timeout(Duration.ofMinutes(5)).expectedDuration(Duration.ofMinutes(1))
                        .retry(RetryPolicy.exponential(3, Duration.ofSeconds(5))).action(start)
                        .instruction("Start the services named in `services` (e.g. `docker compose start app`)."))
                .step(Steps.verify("verify-application", "Verify the application", doc ? noChecks : applicationChecks).retry(verifyRetry)
                        .role("Application Developer").dependsOn("restart-application")
                        .description("Run the application health checks; when they are all UP the service counts as "
                                + "recovered (the end of the RTO).")
                        .instruction("Open the health endpoint and the main user journeys."))
                .step(Steps.monitor("monitor", "Monitor for issues", doc ? noChecks : applicationChecks, monitorWindow,
                                monitorInterval).role("Incident Commander").dependsOn("verify-application")
                        .description("Keep running the application health checks for a while; a failure here means "
                                + "the recovery did not hold.")
                        .instruction("Watch error rates and the health endpoint for 15 minutes."))
                .build();
    }
}
