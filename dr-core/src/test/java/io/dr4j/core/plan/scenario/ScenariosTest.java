package io.dr4j.core.plan.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.plan.Approvers;
import io.dr4j.core.plan.ObjectiveVerdict;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.PlanRunner;
import io.dr4j.core.plan.PlanStatus;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RetryPolicy;
import io.dr4j.core.plan.RunRequest;
import io.dr4j.core.plan.StepOutput;
import io.dr4j.core.plan.StepStatus;
import io.dr4j.core.plan.steps.TerraformStep;
import io.dr4j.core.restore.RecoveryTarget;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The five scenario plans run by the real engine against in-memory collaborators and a real file repository. */
class ScenariosTest {
    private static final RetryPolicy QUICK = new RetryPolicy(2, Duration.ofMillis(20), 1, Duration.ofMillis(20));
    private static final PlanRunner AUTO = PlanRunner.builder().approver(Approvers.autoApprove("test")).build();

    @TempDir
    Path tmp;
    Path repoDir;
    Repository repo;
    Instant incident;

    @BeforeEach
    void setUp() {
        Doubles.journal.clear();
        repoDir = tmp.resolve("repo");
        repo = Doubles.repository(repoDir);
        incident = Instant.now().minus(Duration.ofMinutes(10));
    }

    @Test
    void databaseCorruptionRecoversToJustBeforeTheIncidentFromTheNewestCleanBackup() throws Exception {
        Doubles.backup(repo, "b-old", incident.minus(Duration.ofHours(3)));
        StoredObject damaged = Doubles.backup(repo, "b-new", incident.minus(Duration.ofMinutes(90)));
        Doubles.backup(repo, "b-after", incident.plus(Duration.ofMinutes(5)));
        Doubles.tamper(repoDir, damaged);
        Doubles.Restorer restorer = new Doubles.Restorer(repo);
        Doubles.Services services = new Doubles.Services();
        AtomicBoolean restored = new AtomicBoolean();
        RecoveryPlan plan = DatabaseCorruption.builder().serviceControl(services)
                .restore(restorer, repo, tmp.resolve("pgdata"))
                .databaseChecks(List.of(Doubles.check("db", () -> !restorer.requests.isEmpty())))
                .applicationChecks(List.of(Doubles.check("app", () -> services.running.getOrDefault("api", false))))
                .monitor(Duration.ofMillis(200), Duration.ofMillis(50)).verifyRetry(QUICK).build();

        PlanResult r = AUTO.run(plan, RunRequest.withInputs(Map.of("services", "api,worker")).incidentAt(incident));

        assertThat(r.status()).as(r.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(r.stepResult("pick-backup").output().values()).containsEntry("backupId", "b-old");
        assertThat(r.stepResult("pick-backup").output().values().get("rejected")).startsWith("b-new: ");
        assertThat(restorer.requests).singleElement().satisfies(req -> {
            assertThat(req.backupId()).isEqualTo("b-old");
            assertThat(req.target()).isEqualTo(new RecoveryTarget.Time(incident, false));
            assertThat(req.destination()).isEqualTo(tmp.resolve("pgdata"));
        });
        assertThat(Doubles.journal).containsSubsequence("stop api", "stop worker", "restore b-old", "start api",
                "start worker");
        assertThat(r.recoveredTo()).isEqualTo(incident.minusSeconds(1));
        assertThat(r.verdicts()).extracting(v -> v.kind() + " " + v.verdict())
                .containsExactly("RTO MET", "RPO MET");
        assertThat(r.verdicts(ObjectiveVerdict.Kind.RPO).get(0).achieved()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void databaseCorruptionStopsWhenNoBackupIsClean() throws Exception {
        Doubles.tamper(repoDir, Doubles.backup(repo, "b1", incident.minus(Duration.ofHours(2))));
        Doubles.Restorer restorer = new Doubles.Restorer(repo);
        RecoveryPlan plan = DatabaseCorruption.builder().serviceControl(new Doubles.Services())
                .restore(restorer, repo, tmp.resolve("pgdata"))
                .databaseChecks(List.of(Doubles.check("db", () -> true)))
                .applicationChecks(List.of(Doubles.check("app", () -> true))).build();
        PlanResult r = AUTO.run(plan, RunRequest.defaults().incidentAt(incident));
        assertThat(r.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(r.stepResult("pick-backup").message()).contains("No clean backup before").contains("b1: ");
        assertThat(r.stepResult("restore-database").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(restorer.requests).isEmpty();
    }

    @Test
    void presenceChecksSizesWhileChecksumsCatchASameSizeTampering() throws Exception {
        Doubles.backup(repo, "older", incident.minus(Duration.ofHours(5)));
        StoredObject o = Doubles.backup(repo, "newer", incident.minus(Duration.ofHours(1)));
        Path f = repoDir.resolve(o.key());
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length / 2] ^= 0x55; // same size, different content
        Files.write(f, bytes);
        var runner = PlanRunner.builder().build();
        for (var depth : io.dr4j.core.plan.steps.FindCleanBackup.Depth.values()) {
            RecoveryPlan plan = RecoveryPlan.builder("pick").step(io.dr4j.core.plan.Step.builder("pick")
                    .action(new io.dr4j.core.plan.steps.FindCleanBackup(repo, ctx -> ctx.incidentAt(), 5, depth))).build();
            PlanResult r = runner.run(plan, RunRequest.defaults().incidentAt(incident));
            assertThat(r.stepResult("pick").output().values().get("backupId")).as(depth.name())
                    .isEqualTo(depth == io.dr4j.core.plan.steps.FindCleanBackup.Depth.CHECKSUMS ? "older" : "newer");
        }
    }

    @Test
    void aPlanWithoutItsCollaboratorsIsRefusedListingThemAll() {
        assertThatThrownBy(() -> DatabaseCorruption.builder().build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("needs a ServiceControl").hasMessageContaining("needs a RestoreStrategy")
                .hasMessageContaining("health check for the database");
        assertThatThrownBy(() -> DatacenterOutage.builder().build()).hasMessageContaining("TrafficSwitch");
        assertThatThrownBy(() -> Ransomware.builder().build()).hasMessageContaining("Isolation");
        assertThatThrownBy(() -> ServerFailure.builder().build()).hasMessageContaining("provisioning");
        assertThatThrownBy(() -> ApplicationRollback.builder().build()).hasMessageContaining("Deployer");
    }

    @Test
    void aRunbookOnlyPlanRefusesToRunSayingWhatIsMissing() {
        PlanResult r = AUTO.run(ApplicationRollback.builder().buildForRunbook(),
                RunRequest.withInputs(Map.of("service", "api")));
        assertThat(r.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(r.stepResult("identify-deployment").message()).contains("built for the runbook only")
                .contains("has no Deployer");
    }

    @Test
    void applicationRollbackGoesBackToThePreviousRevision() {
        Doubles.MemoryDeployer deployer = new Doubles.MemoryDeployer().with("api", "app:1.4.1", "app:1.4.2-bad");
        RecoveryPlan plan = ApplicationRollback.builder().deployer(deployer)
                .healthChecks(List.of(Doubles.check("api", () -> !deployer.currentImage("api").contains("bad"))))
                .monitor(Duration.ofMillis(100), Duration.ofMillis(50)).verifyRetry(QUICK).build();
        PlanResult r = AUTO.run(plan, RunRequest.withInputs(Map.of("service", "api")));
        assertThat(r.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(r.stepResult("identify-deployment").output().values()).containsEntry("currentImage", "app:1.4.2-bad")
                .containsEntry("previousRevision", "1");
        assertThat(deployer.currentImage("api")).isEqualTo("app:1.4.1");
        assertThat(r.stepResult("rollback").output().values()).containsEntry("outcome", "ROLLBACK_COMPLETED");
        assertThat(r.verdicts()).singleElement().satisfies(v -> {
            assertThat(v.component().name()).isEqualTo("APPLICATION");
            assertThat(v.verdict()).isEqualTo(ObjectiveVerdict.Verdict.MET);
        });

        Doubles.MemoryDeployer fresh = new Doubles.MemoryDeployer().with("api", "app:1.0.0");
        PlanResult none = AUTO.run(ApplicationRollback.builder().deployer(fresh)
                .healthChecks(List.of(Doubles.check("api", () -> true))).build(), RunRequest.withInputs(Map.of("service", "api")));
        assertThat(none.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(none.stepResult("identify-deployment").attempts()).as("permanent: not retried").isEqualTo(1);
        assertThat(none.stepResult("identify-deployment").message()).contains("nothing to roll back to");
    }

    @Test
    void serverFailureProvisionsWithRealTerraformRestoresAndDeploys() throws Exception {
        Path tf = Files.createDirectories(tmp.resolve("tf"));
        Files.writeString(tf.resolve("main.tf"), """
                variable "env" { type = string }
                resource "terraform_data" "server" { input = "db-${var.env}" }
                output "host" { value = terraform_data.server.output }
                """);
        Files.writeString(tf.resolve("prod.tfvars"), "env = \"prod\"\n");
        Doubles.backup(repo, "nightly", incident.minus(Duration.ofHours(5)));
        Doubles.MemoryDeployer deployer = new Doubles.MemoryDeployer();
        Doubles.Restorer restorer = new Doubles.Restorer(repo);
        RecoveryPlan plan = ServerFailure.builder()
                .provisioning(TerraformStep.builder(tf).binary(Path.of("/usr/local/bin/terraform"))
                        .varFile(tf.resolve("prod.tfvars")).build())
                .restore(restorer, repo, tmp.resolve("pgdata")).deployer(deployer)
                .healthChecks(List.of(Doubles.check("api", () -> deployer.currentImage("api").equals("app:2.0"))))
                .monitor(Duration.ofMillis(100), Duration.ofMillis(50)).verifyRetry(QUICK).build();

        PlanResult refused = PlanRunner.builder().build().run(plan,
                RunRequest.withInputs(Map.of("service", "api", "image", "app:2.0")));
        assertThat(refused.stepResult("assess-damage").status()).isEqualTo(StepStatus.REFUSED);
        assertThat(refused.stepResult("provision").status()).isEqualTo(StepStatus.SKIPPED);

        PlanResult r = AUTO.run(plan, RunRequest.withInputs(Map.of("service", "api", "image", "app:2.0"))
                .incidentAt(incident));
        assertThat(r.status()).as(r.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(r.stepResult("provision").output().values()).containsEntry("output.host", "db-prod");
        assertThat(restorer.requests).singleElement().extracting(req -> req.target()).isEqualTo(RecoveryTarget.latest());
        assertThat(r.verdicts()).extracting(v -> v.kind() + " " + v.component() + " " + v.verdict())
                .containsExactly("RTO FULL_SYSTEM MET", "RPO DATABASE MISSED");
    }

    @Test
    void datacenterOutageSwitchesTrafficAndSwitchesBackWhenThePublicCheckFails() {
        Doubles.backup(repo, "mirror-1", incident.minus(Duration.ofMinutes(20)));
        Doubles.Dns dns = new Doubles.Dns();
        dns.records.put("app.example.com", "10.0.0.1");
        Doubles.MemoryDeployer drDeployer = new Doubles.MemoryDeployer();
        AtomicBoolean publicUp = new AtomicBoolean(true);
        DatacenterOutage builder = DatacenterOutage.builder()
                .provisioning(ctx -> StepOutput.of("dr site ready"))
                .restoreFromMirror(new Doubles.Restorer(repo), repo, tmp.resolve("dr-pgdata"))
                .drDeployer(drDeployer).trafficSwitch(dns)
                .drSiteChecks(List.of(Doubles.check("dr-api", () -> drDeployer.currentImage("api").equals("app:3"))))
                .publicChecks(List.of(Doubles.check("public", () -> publicUp.get()
                        && dns.currentTarget("app.example.com").equals("10.9.0.1"))))
                .monitor(Duration.ofMillis(100), Duration.ofMillis(50)).verifyRetry(QUICK);
        Map<String, String> in = Map.of("service", "api", "image", "app:3", "endpoint", "app.example.com",
                "drTarget", "10.9.0.1");

        PlanResult ok = AUTO.run(builder.build(), RunRequest.withInputs(in).incidentAt(incident));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(dns.currentTarget("app.example.com")).isEqualTo("10.9.0.1");
        assertThat(ok.stepResult("switch-traffic").output().values()).containsEntry("previousTarget", "10.0.0.1");
        assertThat(ok.verdicts(ObjectiveVerdict.Kind.RPO).get(0).verdict()).isEqualTo(ObjectiveVerdict.Verdict.MET);

        dns.records.put("app.example.com", "10.0.0.1");
        publicUp.set(false);
        PlanResult failed = AUTO.run(builder.build(), RunRequest.withInputs(in).incidentAt(incident));
        assertThat(failed.status()).isEqualTo(PlanStatus.COMPENSATED);
        assertThat(failed.stepResult("verify-public").status()).isEqualTo(StepStatus.FAILED);
        assertThat(failed.stepResult("switch-traffic").status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(dns.currentTarget("app.example.com")).as("traffic pointed back").isEqualTo("10.0.0.1");
    }

    @Test
    void ransomwareIsolatesThenRestoresTheNewestCleanBackupIntoAFreshLocation() throws Exception {
        Instant compromised = incident.minus(Duration.ofHours(6));
        Doubles.backup(repo, "d1", compromised.minus(Duration.ofDays(2)));
        Doubles.tamper(repoDir, Doubles.backup(repo, "d2", compromised.minus(Duration.ofDays(1))));
        Doubles.backup(repo, "d3", compromised.plus(Duration.ofHours(1)));
        Doubles.Firewall firewall = new Doubles.Firewall();
        Doubles.Restorer restorer = new Doubles.Restorer(repo);
        Doubles.MemoryDeployer deployer = new Doubles.MemoryDeployer();
        AtomicBoolean rebuilt = new AtomicBoolean();
        Path fresh = tmp.resolve("fresh");
        RecoveryPlan plan = Ransomware.builder().isolation(firewall).restore(restorer, repo, fresh)
                .rebuild(ctx -> {
                    rebuilt.set(true);
                    return StepOutput.of("new environment built");
                })
                .deployer(deployer).healthChecks(List.of(Doubles.check("api", () -> rebuilt.get())))
                .verifyRetry(QUICK).build();
        Map<String, String> in = Map.of("systems", "db-1, app-1", "compromisedAt", compromised.toString(),
                "service", "api", "image", "app@sha256:abc");

        PlanResult stopped = PlanRunner.builder().build().run(plan, RunRequest.withInputs(in));
        assertThat(stopped.stepResult("isolate").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(stopped.stepResult("assess-compromise").status()).isEqualTo(StepStatus.REFUSED);
        assertThat(restorer.requests).isEmpty();

        PlanResult r = AUTO.run(plan, RunRequest.withInputs(in).incidentAt(incident));
        assertThat(r.status()).as(r.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(firewall.isolated).containsExactly("db-1", "app-1", "db-1", "app-1");
        assertThat(r.stepResult("find-clean-backup").output().values()).containsEntry("backupId", "d1")
                .containsEntry("candidatesTried", "2");
        assertThat(restorer.requests).singleElement().satisfies(req -> {
            assertThat(req.destination()).isEqualTo(fresh.resolve(r.runId()));
            assertThat(req.target()).isEqualTo(new RecoveryTarget.Time(compromised, false));
        });
        assertThat(r.timeline()).filteredOn(e -> "security-review".equals(e.stepId()))
                .anySatisfy(e -> assertThat(e.message()).contains("Approved by policy:test"));
        assertThat(r.stepResult("report-incident").status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void stepActionsReplaceTheJavaCollaboratorsAndTheirInputs() throws Exception {
        Doubles.backup(repo, "b1", incident.minus(Duration.ofHours(1)));
        Doubles.Restorer restorer = new Doubles.Restorer(repo);
        java.util.List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.dr4j.core.plan.StepAction record = ctx -> {
            ran.add(ctx.step().id());
            return StepOutput.of("done " + ctx.step().id());
        };
        RecoveryPlan ransomware = Ransomware.builder().isolation(record).restore(restorer, repo, tmp.resolve("fresh"))
                .rebuild(record).deployment(record).credentialRotation(record)
                .recoveryTarget(ctx -> RecoveryTarget.latest())
                .healthChecks(List.of(Doubles.check("db", () -> true))).verifyRetry(QUICK).build();
        assertThat(ransomware.inputs()).extracting(io.dr4j.core.plan.PlanInput::name).containsExactly("compromisedAt");
        assertThat(ransomware.step("security-review").orElseThrow().dependsOn()).containsExactly("rotate-credentials");
        PlanResult r = AUTO.run(ransomware, RunRequest.withInputs(Map.of()).incidentAt(incident));
        assertThat(r.status()).as(r.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(ran).contains("isolate", "rebuild-systems", "deploy-clean-application", "rotate-credentials");
        assertThat(restorer.requests).singleElement().satisfies(req -> {
            assertThat(req.backupId()).isEqualTo("b1");
            assertThat(req.target()).isEqualTo(RecoveryTarget.latest());
        });

        RecoveryPlan dc = DatacenterOutage.builder().provisioning(record).restoreFromMirror(restorer, repo,
                        tmp.resolve("dr")).deployment(record).switchTraffic(record)
                .drSiteChecks(List.of(Doubles.check("site", () -> true)))
                .publicChecks(List.of(Doubles.check("public", () -> true)))
                .monitor(Duration.ofMillis(100), Duration.ofMillis(50)).verifyRetry(QUICK).build();
        assertThat(dc.inputs()).isEmpty();
        assertThat(dc.step("switch-traffic").orElseThrow().compensation()).as("nothing to switch back with").isEmpty();
        assertThat(AUTO.run(dc, RunRequest.withInputs(Map.of())).status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(ran).contains("provision-dr-site", "deploy-application", "switch-traffic");

        RecoveryPlan sf = ServerFailure.builder().provisioning(record).restore(restorer, repo, tmp.resolve("new"))
                .deployment(record).healthChecks(List.of(Doubles.check("db", () -> true)))
                .monitor(Duration.ofMillis(100), Duration.ofMillis(50)).verifyRetry(QUICK).build();
        assertThat(sf.inputs()).isEmpty();
        // the runbook (nothing configured) keeps the Java collaborators' inputs and steps
        assertThat(Ransomware.builder().buildForRunbook().inputs()).extracting(io.dr4j.core.plan.PlanInput::name)
                .containsExactly("systems", "compromisedAt", "service", "image");
        assertThat(Ransomware.builder().buildForRunbook().step("rotate-credentials")).isEmpty();
    }
}
