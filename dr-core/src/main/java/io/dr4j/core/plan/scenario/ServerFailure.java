package io.dr4j.core.plan.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.plan.Component;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RetryPolicy;
import io.dr4j.core.plan.Step;
import io.dr4j.core.plan.StepAction;
import io.dr4j.core.plan.Steps;
import io.dr4j.core.plan.steps.DeploymentSteps;
import io.dr4j.core.plan.steps.RestoreDatabase;
import io.dr4j.core.restore.RestoreStrategy;

import org.jspecify.annotations.Nullable;

/**
 * Scenario 2, complete server failure: assess → provision new infrastructure (Terraform) → restore the database
 * from the latest backup and deploy the application from the registry (in parallel) → verify all services →
 * monitor. Measured against the full-system RTO and the database RPO.
 */
public final class ServerFailure {
    public static final String ID = "server-failure";

    private @Nullable StepAction provisioning;
    private @Nullable RestoreStrategy strategy;
    private @Nullable Repository repository;
    private @Nullable Path destination;
    private Map<String, String> restoreOptions = Map.of();
    private @Nullable Deployer deployer;
    private @Nullable StepAction deployment;
    private List<HealthCheck> checks = List.of();
    private Duration monitorWindow = Duration.ofMinutes(15);
    private Duration monitorInterval = Duration.ofSeconds(30);

    private RetryPolicy verifyRetry = RetryPolicy.exponential(5, Duration.ofSeconds(2));

    private ServerFailure() {
    }

    /** How verification steps retry while services come up (default 5 attempts, 2 s backoff doubling). */
    public ServerFailure verifyRetry(RetryPolicy r) {
        this.verifyRetry = java.util.Objects.requireNonNull(r, "verifyRetry");
        return this;
    }

    public static ServerFailure builder() {
        return new ServerFailure();
    }

    /** Provisions the new server, usually a {@link io.dr4j.core.plan.steps.TerraformStep}. */
    public ServerFailure provisioning(StepAction p) {
        this.provisioning = Objects.requireNonNull(p, "provisioning");
        return this;
    }

    public ServerFailure restore(RestoreStrategy s, Repository r, Path destination) {
        this.strategy = Objects.requireNonNull(s, "strategy");
        this.repository = Objects.requireNonNull(r, "repository");
        this.destination = Objects.requireNonNull(destination, "destination");
        return this;
    }

    public ServerFailure restoreOptions(Map<String, String> o) {
        this.restoreOptions = Map.copyOf(o);
        return this;
    }

    public ServerFailure deployer(Deployer d) {
        this.deployer = Objects.requireNonNull(d, "deployer");
        return this;
    }

    /**
     * Deploys the application by other means than a {@link Deployer} (e.g. a command, or a step that reports it was
     * not configured); replaces {@link #deployer}, and the plan then has no {@code service}/{@code image} inputs.
     */
    public ServerFailure deployment(StepAction d) {
        this.deployment = Objects.requireNonNull(d, "deployment");
        return this;
    }

    public ServerFailure healthChecks(List<HealthCheck> c) {
        this.checks = List.copyOf(c);
        return this;
    }

    public ServerFailure monitor(Duration window, Duration interval) {
        this.monitorWindow = window;
        this.monitorInterval = interval;
        return this;
    }

    public RecoveryPlan build() {
        new ScenarioSupport.Required(ID).need(provisioning, "a provisioning step (provisioning(TerraformStep...))")
                .need(strategy, "a RestoreStrategy, Repository and destination (restore(...))")
                .need(deployer != null ? deployer : deployment, "a Deployer (deployer(...)) or a deployment step (deployment(...))").needChecks(checks, "all services (healthChecks(...))")
                .check();
        return plan(false);
    }

    public RecoveryPlan buildForRunbook() {
        return plan(true);
    }

    private RecoveryPlan plan(boolean doc) {
        StepAction provision = doc ? ScenarioSupport.unconfigured(ID, "provisioning step") : provisioning;
        StepAction restore = doc ? ScenarioSupport.unconfigured(ID, "RestoreStrategy")
                : RestoreDatabase.builder(strategy, repository).destination(destination).options(restoreOptions).build();
        boolean viaDeployer = deployer != null || (doc && deployment == null);
        StepAction deploy = doc ? ScenarioSupport.unconfigured(ID, "Deployer") : !viaDeployer ? deployment
                : DeploymentSteps.deploy(deployer, ctx -> DeploymentSpec.of(ctx.input("service"), ctx.input("image"))
                .withHealthGate(checks).withChangeCause("dr4j " + ID + " run " + ctx.runId()));
        List<HealthCheck> c = doc ? List.of() : checks;
        RecoveryPlan.Builder b = RecoveryPlan.builder(ID);
        if (viaDeployer) {
            b.input("service", "the application service to deploy on the new server")
                    .input("image", "the image to deploy from the registry, e.g. registry.example.com/app:1.4.2");
        }
        return b.title("Complete server failure")
                .description("The server is gone: unreachable, all services down. Build a new one from the "
                        + "infrastructure code, restore the database from the latest backup and deploy the application "
                        + "from the container registry. Configuration comes from Git with the Terraform code and the "
                        + "image.")
                .symptom("Server unreachable").symptom("All services down").symptom("No response from infrastructure")
                .rto(Component.FULL_SYSTEM).rpo(Component.DATABASE)
                .step(Steps.approval("assess-damage", "Assess the damage and identify the root cause",
                                "The old server is lost and the root cause noted: build a new one?")
                        .role("Incident Commander").timeout(Duration.ofHours(1)).expectedDuration(Duration.ofMinutes(10))
                        .instruction("Check the provider console, monitoring and the last alerts; write down what failed."))
                .step(Step.builder("provision").title("Provision new infrastructure").role("DevOps Engineer")
                        .dependsOn("assess-damage")
                        .description("Apply the infrastructure code (Terraform) for the environment: init, plan with "
                                + "the environment's var-file, apply that plan. The outputs go into the report.")
                        .timeout(Duration.ofMinutes(45)).expectedDuration(Duration.ofMinutes(15)).action(provision)
                        .instruction("`cd infrastructure/terraform && terraform init && terraform plan "
                                + "-var-file=terraform.prod.tfvars -out=plan && terraform apply plan`."))
                .step(Step.builder("restore-database").title("Restore the database from the latest backup")
                        .role("Database Administrator").dependsOn("provision")
                        .description("Restore the newest backup and replay all archived WAL onto the new server.")
                        .timeout(Duration.ofMinutes(60)).expectedDuration(Duration.ofMinutes(15)).action(restore)
                        .instruction("`dr restore --target latest --to <data dir>` on the new server, then start PostgreSQL."))
                .step(Step.builder("deploy-application").title("Deploy the application from the registry")
                        .role("DevOps Engineer").dependsOn("provision")
                        .description("Deploy the given image to the new server behind the health gate; runs in "
                                + "parallel with the database restore.")
                        .timeout(Duration.ofMinutes(20)).expectedDuration(Duration.ofMinutes(5)).action(deploy)
                        .instruction("`docker compose pull && docker compose up -d` with the image tag."))
                .step(Steps.verify("verify-services", "Verify all services are running", c).retry(verifyRetry).role("DevOps Engineer")
                        .dependsOn("restore-database", "deploy-application")
                        .description("Run the health checks of every service; all UP marks the system recovered.")
                        .instruction("Check every service's health endpoint and the database connection."))
                .step(Steps.monitor("monitor", "Run health checks and monitor", c, monitorWindow, monitorInterval)
                        .role("Incident Commander").dependsOn("verify-services")
                        .description("Keep running the health checks for a while on the new server.")
                        .instruction("Watch monitoring for 15 minutes."))
                .build();
    }
}
