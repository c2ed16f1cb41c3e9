package io.dr4j.core.plan.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.plan.Component;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RetryPolicy;
import io.dr4j.core.plan.Step;
import io.dr4j.core.plan.StepAction;
import io.dr4j.core.plan.StepContext;
import io.dr4j.core.plan.StepOutput;
import io.dr4j.core.plan.Steps;
import io.dr4j.core.plan.steps.DeploymentSteps;
import io.dr4j.core.plan.steps.FindCleanBackup;
import io.dr4j.core.plan.steps.Isolation;
import io.dr4j.core.plan.steps.RestoreDatabase;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreStrategy;

import org.jspecify.annotations.Nullable;

/**
 * Scenario 4, ransomware: isolate the affected systems → assess the compromise (a person confirms the compromise
 * time; the ransom is not paid) → find the newest clean backup before it, verified by checksums → restore into a
 * fresh location (never over the compromised data) and rebuild the systems (in parallel) → deploy a clean image →
 * verify → security review → report to the authorities.
 */
public final class Ransomware {
    public static final String ID = "ransomware";

    private @Nullable Isolation isolation;
    private @Nullable Repository repository;
    private @Nullable RestoreStrategy strategy;
    private @Nullable Path freshBase;
    private Map<String, String> restoreOptions = Map.of();
    private @Nullable StepAction rebuild;
    private @Nullable Deployer deployer;
    private List<HealthCheck> checks = List.of();
    private @Nullable StepAction isolationAction;
    private @Nullable StepAction deployment;
    private @Nullable StepAction rotation;
    private @Nullable Function<StepContext, RecoveryTarget> target;

    private RetryPolicy verifyRetry = RetryPolicy.exponential(5, Duration.ofSeconds(2));

    private Ransomware() {
    }

    /** How verification steps retry while services come up (default 5 attempts, 2 s backoff doubling). */
    public Ransomware verifyRetry(RetryPolicy r) {
        this.verifyRetry = java.util.Objects.requireNonNull(r, "verifyRetry");
        return this;
    }

    public static Ransomware builder() {
        return new Ransomware();
    }

    public Ransomware isolation(Isolation i) {
        this.isolation = Objects.requireNonNull(i, "isolation");
        return this;
    }

    /**
     * Isolates by other means than an {@link Isolation} (e.g. a command); replaces {@link #isolation(Isolation)},
     * and the plan then has no {@code systems} input.
     */
    public Ransomware isolation(StepAction a) {
        this.isolationAction = Objects.requireNonNull(a, "isolation");
        return this;
    }

    /**
     * Deploys the clean application by other means than a {@link Deployer} (e.g. a command, or a step that reports
     * it was not configured); replaces {@link #deployer}, and the plan then has no {@code service}/{@code image}
     * inputs.
     */
    public Ransomware deployment(StepAction d) {
        this.deployment = Objects.requireNonNull(d, "deployment");
        return this;
    }

    /**
     * Rotates the credentials the attacker may have had (database passwords, storage keys, API tokens): adds the
     * step {@code rotate-credentials} after the verification, before the security review.
     */
    public Ransomware credentialRotation(StepAction r) {
        this.rotation = Objects.requireNonNull(r, "credentialRotation");
        return this;
    }

    /**
     * Where the restore stops, computed when the step runs (default: just before {@code compromisedAt}). A
     * compromise time later than the newest archived WAL cannot be reached by recovery: pass
     * {@link RecoveryTarget#latest()} when the compromise time is not known.
     */
    public Ransomware recoveryTarget(Function<StepContext, RecoveryTarget> t) {
        this.target = Objects.requireNonNull(t, "recoveryTarget");
        return this;
    }

    /** Restores from {@code repository} into {@code freshBase/<run id>}: a new directory per run. */
    public Ransomware restore(RestoreStrategy s, Repository r, Path freshBase) {
        this.strategy = Objects.requireNonNull(s, "strategy");
        this.repository = Objects.requireNonNull(r, "repository");
        this.freshBase = Objects.requireNonNull(freshBase, "freshBase");
        return this;
    }

    public Ransomware restoreOptions(Map<String, String> o) {
        this.restoreOptions = Map.copyOf(o);
        return this;
    }

    /** Rebuilds the compromised systems from scratch, usually a {@link io.dr4j.core.plan.steps.TerraformStep}. */
    public Ransomware rebuild(StepAction r) {
        this.rebuild = Objects.requireNonNull(r, "rebuild");
        return this;
    }

    public Ransomware deployer(Deployer d) {
        this.deployer = Objects.requireNonNull(d, "deployer");
        return this;
    }

    public Ransomware healthChecks(List<HealthCheck> c) {
        this.checks = List.copyOf(c);
        return this;
    }

    public RecoveryPlan build() {
        new ScenarioSupport.Required(ID).need(isolation != null ? isolation : isolationAction,
                        "an Isolation (isolation(...))")
                .need(strategy, "a RestoreStrategy, Repository and fresh base directory (restore(...))")
                .need(rebuild, "a rebuild step (rebuild(TerraformStep...))")
                .need(deployer != null ? deployer : deployment, "a Deployer (deployer(...)) or a deployment step (deployment(...))").needChecks(checks, "the rebuilt system (healthChecks(...))")
                .check();
        return plan(false);
    }

    public RecoveryPlan buildForRunbook() {
        return plan(true);
    }

    private RecoveryPlan plan(boolean doc) {
        boolean viaIsolation = isolation != null || (doc && isolationAction == null);
        boolean viaDeployer = deployer != null || (doc && deployment == null);
        StepAction isolate = doc ? ScenarioSupport.unconfigured(ID, "Isolation") : !viaIsolation ? isolationAction
                : ctx -> {
            List<String> systems = ScenarioSupport.list(ctx.input("systems"));
            List<String> measures = isolation.isolate(systems);
            return StepOutput.of("isolated " + String.join(", ", systems) + " with " + isolation.name() + ": "
                    + String.join("; ", measures), Map.of("systems", String.join(",", systems),
                    "measures", String.join("; ", measures)));
        };
        StepAction find = doc ? ScenarioSupport.unconfigured(ID, "Repository")
                : new FindCleanBackup(repository, ctx -> ScenarioSupport.time(ctx, "compromisedAt"), 10);
        StepAction restore = doc ? ScenarioSupport.unconfigured(ID, "RestoreStrategy")
                : RestoreDatabase.builder(strategy, repository).backupFromStep("find-clean-backup")
                .destination(ctx -> freshBase.resolve(ctx.runId())).options(restoreOptions)
                .target(target != null ? target
                        : ctx -> new RecoveryTarget.Time(ScenarioSupport.time(ctx, "compromisedAt"), false)).build();
        StepAction rebuildAction = doc ? ScenarioSupport.unconfigured(ID, "rebuild step") : rebuild;
        StepAction deploy = doc ? ScenarioSupport.unconfigured(ID, "Deployer") : !viaDeployer ? deployment
                : DeploymentSteps.deploy(deployer, ctx -> DeploymentSpec.of(ctx.input("service"), ctx.input("image"))
                .withHealthGate(checks).withChangeCause("dr4j " + ID + " run " + ctx.runId()));
        List<HealthCheck> c = doc ? List.of() : checks;
        RecoveryPlan.Builder b = RecoveryPlan.builder(ID);
        if (viaIsolation) {
            b.input("systems", "the affected systems to isolate, comma-separated");
        }
        b.input("compromisedAt", "the ISO-8601 instant of the first sign of compromise, or 'incident' for "
                + "the run's incident time", ScenarioSupport.INCIDENT);
        if (viaDeployer) {
            b.input("service", "the application service to deploy on the rebuilt systems")
                    .input("image", "a known clean image, e.g. registry.example.com/app:1.4.2");
        }
        b.title("Ransomware attack")
                .description("Systems are encrypted or compromised. Do NOT pay the ransom. Cut the systems off, find "
                        + "the newest backup from before the compromise that still verifies, restore it into a fresh "
                        + "location and rebuild the systems from code; the old ones are evidence, never reused.")
                .symptom("Files encrypted").symptom("Ransom note present").symptom("System compromised")
                .rto(Component.FULL_SYSTEM).rpo(Component.DATABASE)
                .step(Step.builder("isolate").title("Isolate affected systems immediately").role("Security Officer")
                        .description("Cut the affected systems off the network and revoke their credentials so the "
                                + "attacker cannot spread or reach the backups.")
                        .timeout(Duration.ofMinutes(10)).expectedDuration(Duration.ofMinutes(2)).action(isolate)
                        .instruction("Detach the systems from the network (security groups, switch ports); rotate "
                                + "their credentials and the backup store's."))
                .step(Steps.approval("assess-compromise", "Assess the extent of the compromise",
                                "Extent of the compromise assessed, compromise time confirmed, ransom NOT paid: "
                                        + "restore from backups older than the compromise?")
                        .role("Security Officer").dependsOn("isolate").expectedDuration(Duration.ofMinutes(30))
                        .instruction("Review security logs to find the first sign of compromise; set `compromisedAt`."))
                .step(Step.builder("find-clean-backup").title("Find the newest clean backup before the compromise")
                        .role("Database Administrator").dependsOn("assess-compromise")
                        .description("Try the backups that finished before the compromise time, newest first, and "
                                + "re-read every stored object against its SHA-256 checksum; the first that verifies "
                                + "completely is used, the others are reported.")
                        .timeout(Duration.ofHours(1)).expectedDuration(Duration.ofMinutes(10)).action(find)
                        .instruction("`dr verify --read-data --backup <backup-id>` on each backup before `compromisedAt`, newest first."))
                .step(Step.builder("restore-fresh").title("Restore into a fresh location")
                        .role("Database Administrator").dependsOn("find-clean-backup")
                        .description("Restore the clean backup and the WAL up to (not including) the compromise time "
                                + "into a new directory named after the run, never over the compromised data.")
                        .timeout(Duration.ofMinutes(60)).expectedDuration(Duration.ofMinutes(15)).action(restore)
                        .instruction("`dr restore --backup <id> --target-time <compromisedAt> --to <new directory>`."))
                .step(Step.builder("rebuild-systems").title("Rebuild compromised systems").role("DevOps Engineer")
                        .dependsOn("assess-compromise")
                        .description("Build new systems from the infrastructure code; runs in parallel with the "
                                + "backup search and restore.")
                        .timeout(Duration.ofMinutes(45)).expectedDuration(Duration.ofMinutes(15)).action(rebuildAction)
                        .instruction("`terraform apply` into a new, clean environment."))
                .step(Step.builder("deploy-clean-application").title("Deploy a clean application image")
                        .role("DevOps Engineer").dependsOn("rebuild-systems", "restore-fresh")
                        .description("Deploy the known clean image onto the rebuilt systems, on the restored data.")
                        .timeout(Duration.ofMinutes(20)).expectedDuration(Duration.ofMinutes(5)).action(deploy)
                        .instruction("Deploy the image by digest from the registry."))
                .step(Steps.verify("verify", "Verify the rebuilt system", c).retry(verifyRetry).role("DevOps Engineer")
                        .dependsOn("deploy-clean-application")
                        .description("Run the health checks on the rebuilt system; all UP marks it recovered.")
                        .instruction("Check every service's health endpoint."))
                .step(Steps.approval("security-review", "Review security logs and implement additional measures",
                                "Security logs reviewed and additional measures in place: return the system to "
                                        + "service?")
                        .role("Security Officer").dependsOn(rotation != null ? "rotate-credentials" : "verify").expectedDuration(Duration.ofMinutes(30))
                        .instruction("Review the logs of the rebuilt systems; patch the entry point; enable the extra "
                                + "controls decided in the assessment."))
                .step(Steps.approval("report-incident", "Report the incident to the authorities",
                                "Incident reported to the authorities (and the data protection regulator when "
                                        + "personal data was affected)?")
                        .role("Incident Commander").dependsOn("security-review").expectedDuration(Duration.ofMinutes(15))
                        .instruction("File the report; keep the isolated systems untouched as evidence."));
        if (rotation != null) {
            b.step(Step.builder("rotate-credentials").title("Rotate the credentials").role("Security Officer")
                    .dependsOn("verify")
                    .description("Rotate every credential the attacker may have had: database passwords, storage "
                            + "and API keys, deployment tokens.")
                    .timeout(Duration.ofMinutes(30)).expectedDuration(Duration.ofMinutes(10)).action(rotation)
                    .instruction("Rotate the database, storage and deployment credentials; update the rebuilt systems."));
        }
        return b.build();
    }
}
