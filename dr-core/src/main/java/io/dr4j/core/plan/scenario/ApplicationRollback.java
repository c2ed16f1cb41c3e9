package io.dr4j.core.plan.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.RollbackRequest;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.plan.Component;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RetryPolicy;
import io.dr4j.core.plan.Step;
import io.dr4j.core.plan.StepAction;
import io.dr4j.core.plan.Steps;
import io.dr4j.core.plan.steps.DeploymentSteps;

import org.jspecify.annotations.Nullable;

/**
 * Scenario 5, application bug or failed deployment: identify the problematic deployment → roll back to the previous
 * revision with the {@link Deployer} → verify → monitor. Measured against the application RTO.
 */
public final class ApplicationRollback {
    public static final String ID = "application-rollback";

    private @Nullable Deployer deployer;
    private List<HealthCheck> checks = List.of();
    private Duration rollbackDeadline = Duration.ofMinutes(3);
    private Duration monitorWindow = Duration.ofMinutes(5);
    private Duration monitorInterval = Duration.ofSeconds(15);

    private RetryPolicy verifyRetry = RetryPolicy.exponential(5, Duration.ofSeconds(2));

    private ApplicationRollback() {
    }

    /** How verification steps retry while services come up (default 5 attempts, 2 s backoff doubling). */
    public ApplicationRollback verifyRetry(RetryPolicy r) {
        this.verifyRetry = java.util.Objects.requireNonNull(r, "verifyRetry");
        return this;
    }

    public static ApplicationRollback builder() {
        return new ApplicationRollback();
    }

    public ApplicationRollback deployer(Deployer d) {
        this.deployer = Objects.requireNonNull(d, "deployer");
        return this;
    }

    /** Checks that must be UP after the rollback (also the deployer's health gate). */
    public ApplicationRollback healthChecks(List<HealthCheck> c) {
        this.checks = List.copyOf(c);
        return this;
    }

    /** How long the rolled-back version may take to become healthy. */
    public ApplicationRollback rollbackDeadline(Duration d) {
        this.rollbackDeadline = Objects.requireNonNull(d, "deadline");
        return this;
    }

    public ApplicationRollback monitor(Duration window, Duration interval) {
        this.monitorWindow = window;
        this.monitorInterval = interval;
        return this;
    }

    public RecoveryPlan build() {
        new ScenarioSupport.Required(ID).need(deployer, "a Deployer (deployer(...))")
                .needChecks(checks, "the application (healthChecks(...))").check();
        return plan(false);
    }

    public RecoveryPlan buildForRunbook() {
        return plan(true);
    }

    private RecoveryPlan plan(boolean doc) {
        StepAction identify = doc ? ScenarioSupport.unconfigured(ID, "Deployer")
                : DeploymentSteps.identify(deployer, ctx -> ctx.input("service"));
        StepAction rollback = doc ? ScenarioSupport.unconfigured(ID, "Deployer")
                : DeploymentSteps.rollback(deployer, ctx -> ctx.input("service"), ctx -> RollbackRequest
                .toRevision(Long.parseLong(ctx.output("identify-deployment", "previousRevision")))
                .withHealthGate(checks).withDeadline(rollbackDeadline));
        List<HealthCheck> c = doc ? List.of() : checks;
        return RecoveryPlan.builder(ID).title("Application rollback")
                .description("A new version of the application misbehaves (errors, degradation, user complaints). "
                        + "Roll back to the previous revision first, investigate afterwards: the fix is redeployed "
                        + "through the normal pipeline once tested.")
                .symptom("Application errors").symptom("Service degradation").symptom("User complaints")
                .input("service", "the service to roll back (Docker container / Compose service, or "
                        + "namespace/deployment for Kubernetes)")
                .rto(Component.APPLICATION)
                .step(Step.builder("identify-deployment").title("Identify the problematic deployment")
                        .role("Application Developer")
                        .description("Read the service's revision history: the current revision is the suspect, the "
                                + "one before it the rollback target. Fails when there is nothing to roll back to.")
                        .timeout(Duration.ofMinutes(2)).expectedDuration(Duration.ofSeconds(10))
                        .retry(RetryPolicy.exponential(3, Duration.ofSeconds(2))).action(identify)
                        .instruction("`dr history docker --service <service>` (or `kubectl rollout history deployment/<name>`)."))
                .step(Step.builder("rollback").title("Roll back to the previous version").role("DevOps Engineer")
                        .dependsOn("identify-deployment")
                        .description("Roll the service back to the previous revision and wait until it is healthy "
                                + "behind the deployer's health gate.")
                        .timeout(Duration.ofMinutes(5)).expectedDuration(Duration.ofMinutes(2)).action(rollback)
                        .instruction("`dr rollback docker --service <service>` (or `kubectl rollout undo deployment/<name>`)."))
                .step(Steps.verify("verify", "Verify the rollback", c).retry(verifyRetry).role("Application Developer").dependsOn("rollback")
                        .description("Run the application health checks; all UP marks the service recovered.")
                        .instruction("Open the health endpoint and check the error rate dropped."))
                .step(Steps.monitor("monitor", "Monitor for issues", c, monitorWindow, monitorInterval)
                        .role("Incident Commander").dependsOn("verify")
                        .description("Keep running the health checks for a while after the rollback.")
                        .instruction("Watch error rates for 5 minutes; then investigate the root cause, fix, test "
                                + "and redeploy."))
                .build();
    }
}
