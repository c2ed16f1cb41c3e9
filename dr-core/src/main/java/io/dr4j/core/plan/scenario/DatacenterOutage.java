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
import io.dr4j.core.plan.StepOutput;
import io.dr4j.core.plan.Steps;
import io.dr4j.core.plan.steps.DeploymentSteps;
import io.dr4j.core.plan.steps.RestoreDatabase;
import io.dr4j.core.plan.steps.TrafficSwitch;
import io.dr4j.core.restore.RestoreStrategy;

import org.jspecify.annotations.Nullable;

/**
 * Scenario 3, data center outage: activate the DR site → provision it → restore the database from the off-site
 * mirror and deploy the application there (in parallel) → verify the DR site → switch traffic (DNS or another
 * {@link TrafficSwitch}; switched back if a later step fails) → verify through the public endpoint → monitor.
 */
public final class DatacenterOutage {
    public static final String ID = "datacenter-outage";

    private @Nullable StepAction provisioning;
    private @Nullable RestoreStrategy strategy;
    private @Nullable Repository offsite;
    private @Nullable Path destination;
    private Map<String, String> restoreOptions = Map.of();
    private @Nullable Deployer drDeployer;
    private @Nullable TrafficSwitch traffic;
    private @Nullable StepAction deployment;
    private @Nullable StepAction trafficAction;
    private List<HealthCheck> drSiteChecks = List.of();
    private List<HealthCheck> publicChecks = List.of();
    private Duration monitorWindow = Duration.ofMinutes(15);
    private Duration monitorInterval = Duration.ofSeconds(30);

    private RetryPolicy verifyRetry = RetryPolicy.exponential(5, Duration.ofSeconds(2));

    private DatacenterOutage() {
    }

    /** How verification steps retry while services come up (default 5 attempts, 2 s backoff doubling). */
    public DatacenterOutage verifyRetry(RetryPolicy r) {
        this.verifyRetry = java.util.Objects.requireNonNull(r, "verifyRetry");
        return this;
    }

    public static DatacenterOutage builder() {
        return new DatacenterOutage();
    }

    /** Provisions the DR site, usually a {@link io.dr4j.core.plan.steps.TerraformStep} with the DR var-file. */
    public DatacenterOutage provisioning(StepAction p) {
        this.provisioning = Objects.requireNonNull(p, "provisioning");
        return this;
    }

    /** Restores from the off-site mirror (a repository on the off-site target) into {@code destination}. */
    public DatacenterOutage restoreFromMirror(RestoreStrategy s, Repository offsiteMirror, Path destination) {
        this.strategy = Objects.requireNonNull(s, "strategy");
        this.offsite = Objects.requireNonNull(offsiteMirror, "offsiteMirror");
        this.destination = Objects.requireNonNull(destination, "destination");
        return this;
    }

    public DatacenterOutage restoreOptions(Map<String, String> o) {
        this.restoreOptions = Map.copyOf(o);
        return this;
    }

    /** The deployer of the DR site. */
    public DatacenterOutage drDeployer(Deployer d) {
        this.drDeployer = Objects.requireNonNull(d, "drDeployer");
        return this;
    }

    public DatacenterOutage trafficSwitch(TrafficSwitch t) {
        this.traffic = Objects.requireNonNull(t, "trafficSwitch");
        return this;
    }

    /**
     * Deploys the application at the DR site by other means than a {@link Deployer} (e.g. a command); replaces
     * {@link #drDeployer}, and the plan then has no {@code service}/{@code image} inputs.
     */
    public DatacenterOutage deployment(StepAction d) {
        this.deployment = Objects.requireNonNull(d, "deployment");
        return this;
    }

    /**
     * Moves the traffic by other means than a {@link TrafficSwitch} (e.g. a command, or a step that reports the
     * switch was not configured); replaces {@link #trafficSwitch}, and the plan then has no {@code endpoint}/{@code
     * drTarget} inputs and no compensation (nothing is switched back automatically).
     */
    public DatacenterOutage switchTraffic(StepAction a) {
        this.trafficAction = Objects.requireNonNull(a, "switchTraffic");
        return this;
    }

    /** Checks against the DR site directly (before traffic moves). */
    public DatacenterOutage drSiteChecks(List<HealthCheck> c) {
        this.drSiteChecks = List.copyOf(c);
        return this;
    }

    /** Checks through the public endpoint (after traffic moved). */
    public DatacenterOutage publicChecks(List<HealthCheck> c) {
        this.publicChecks = List.copyOf(c);
        return this;
    }

    public DatacenterOutage monitor(Duration window, Duration interval) {
        this.monitorWindow = window;
        this.monitorInterval = interval;
        return this;
    }

    public RecoveryPlan build() {
        new ScenarioSupport.Required(ID).need(provisioning, "a provisioning step for the DR site (provisioning(...))")
                .need(strategy, "a RestoreStrategy, the off-site Repository and a destination (restoreFromMirror(...))")
                .need(drDeployer != null ? drDeployer : deployment,
                        "the DR site's Deployer (drDeployer(...)) or a deployment step (deployment(...))")
                .need(traffic != null ? traffic : trafficAction,
                        "a TrafficSwitch (trafficSwitch(...)) or a traffic step (switchTraffic(...))")
                .needChecks(drSiteChecks, "the DR site (drSiteChecks(...))")
                .needChecks(publicChecks, "the public endpoint (publicChecks(...))").check();
        return plan(false);
    }

    public RecoveryPlan buildForRunbook() {
        return plan(true);
    }

    private RecoveryPlan plan(boolean doc) {
        StepAction provision = doc ? ScenarioSupport.unconfigured(ID, "provisioning step") : provisioning;
        StepAction restore = doc ? ScenarioSupport.unconfigured(ID, "RestoreStrategy")
                : RestoreDatabase.builder(strategy, offsite).destination(destination).options(restoreOptions).build();
        boolean viaDeployer = drDeployer != null || (doc && deployment == null);
        boolean viaSwitch = traffic != null || (doc && trafficAction == null);
        StepAction deploy = doc ? ScenarioSupport.unconfigured(ID, "Deployer") : !viaDeployer ? deployment
                : DeploymentSteps.deploy(drDeployer, ctx -> DeploymentSpec.of(ctx.input("service"), ctx.input("image"))
                .withHealthGate(drSiteChecks).withChangeCause("dr4j " + ID + " run " + ctx.runId()));
        StepAction switchTraffic = doc ? ScenarioSupport.unconfigured(ID, "TrafficSwitch") : !viaSwitch ? trafficAction
                : ctx -> {
            String endpoint = ctx.input("endpoint");
            String target = ctx.input("drTarget");
            String before = traffic.currentTarget(endpoint);
            traffic.switchTo(endpoint, target);
            return StepOutput.of(endpoint + " now points at " + target + " (was " + before + ") via " + traffic.name(),
                    Map.of("endpoint", endpoint, "previousTarget", before, "target", target));
        };
        Step.Builder switchStep = Step.builder("switch-traffic").title("Update DNS to point to the DR site")
                .role("DevOps Engineer").dependsOn("verify-dr-site")
                .description("Point the public endpoint at the DR site. Undone (pointed back) when a later step "
                        + "fails.")
                .timeout(Duration.ofMinutes(10)).expectedDuration(Duration.ofMinutes(5))
                .retry(RetryPolicy.exponential(3, Duration.ofSeconds(10))).action(switchTraffic)
                .instruction("Change the DNS record of `endpoint` to `drTarget` (low TTL) in the DNS provider.");
        if (!viaSwitch) {
            switchStep.description("Point the public endpoint at the DR site.");
        } else if (!doc) {
            switchStep.compensation("point the endpoint back at its previous target",
                    (ctx, out) -> traffic.switchTo(out.values().get("endpoint"), out.values().get("previousTarget")));
        } else {
            switchStep.compensation("point the endpoint back at its previous target", (ctx, out) -> { });
        }
        List<HealthCheck> site = doc ? List.of() : drSiteChecks;
        List<HealthCheck> pub = doc ? List.of() : publicChecks;
        RecoveryPlan.Builder b = RecoveryPlan.builder(ID);
        if (viaDeployer) {
            b.input("service", "the application service to deploy at the DR site")
                    .input("image", "the image to deploy, e.g. registry.example.com/app:1.4.2");
        }
        if (viaSwitch) {
            b.input("endpoint", "the public name whose traffic moves, e.g. app.example.com")
                    .input("drTarget", "where the endpoint points during the failover (the DR site's address)");
        }
        return b.title("Data center outage")
                .description("The primary data center is unavailable. Fail over to the disaster recovery site: build "
                        + "it, restore the database from the off-site backup mirror, deploy the application there, "
                        + "check it directly, then move the traffic.")
                .symptom("Complete data center unavailable").symptom("All services unreachable")
                .symptom("Network connectivity lost")
                .rto(Component.FULL_SYSTEM).rpo(Component.DATABASE)
                .step(Steps.approval("activate-dr-site", "Activate the disaster recovery site",
                                "The primary data center is down and will not be back within the RTO: fail over to "
                                        + "the DR site?")
                        .role("Incident Commander").expectedDuration(Duration.ofMinutes(5))
                        .instruction("Confirm with the provider's status page and the on-call team; announce the "
                                + "failover in #incidents and on the status page."))
                .step(Step.builder("provision-dr-site").title("Provision infrastructure in the DR site")
                        .role("DevOps Engineer").dependsOn("activate-dr-site")
                        .description("Apply the infrastructure code with the DR site's var-file.")
                        .timeout(Duration.ofMinutes(45)).expectedDuration(Duration.ofMinutes(15)).action(provision)
                        .instruction("`terraform apply -var-file=terraform.dr.tfvars` in the DR workspace."))
                .step(Step.builder("restore-database").title("Restore the database from the off-site backup")
                        .role("Database Administrator").dependsOn("provision-dr-site")
                        .description("Restore the newest backup and all WAL from the off-site mirror (the primary "
                                + "site's storage is unreachable).")
                        .timeout(Duration.ofMinutes(60)).expectedDuration(Duration.ofMinutes(20)).action(restore)
                        .instruction("`dr restore --repo <off-site mirror> --target latest --to <data dir>`."))
                .step(Step.builder("deploy-application").title("Deploy the application to the DR site")
                        .role("DevOps Engineer").dependsOn("provision-dr-site")
                        .description("Deploy the image at the DR site behind its health gate; runs in parallel with "
                                + "the restore.")
                        .timeout(Duration.ofMinutes(20)).expectedDuration(Duration.ofMinutes(5)).action(deploy)
                        .instruction("Deploy the image with the DR site's compose file or cluster context."))
                .step(Steps.verify("verify-dr-site", "Verify the DR site before moving traffic", site).retry(verifyRetry)
                        .role("DevOps Engineer").dependsOn("restore-database", "deploy-application")
                        .description("Run the health checks against the DR site directly; traffic only moves when all "
                                + "are UP.")
                        .instruction("Call the DR site's health endpoint by its address."))
                .step(switchStep)
                .step(Steps.verify("verify-public", "Verify services are operational", pub).retry(verifyRetry).role("DevOps Engineer")
                        .dependsOn("switch-traffic")
                        .description("Run the health checks through the public endpoint; all UP marks the system "
                                + "recovered.")
                        .instruction("Open the public URL from outside the DR network."))
                .step(Steps.monitor("monitor", "Monitor for issues", pub, monitorWindow, monitorInterval)
                        .role("Incident Commander").dependsOn("verify-public")
                        .description("Keep running the public health checks for a while after the failover.")
                        .instruction("Watch monitoring for 15 minutes; update the status page every 30 minutes."))
                .build();
    }
}
