package io.dr4j.deploy.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentResult.Outcome;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthChecks;
import io.dr4j.core.plan.Approvers;
import io.dr4j.core.plan.ObjectiveVerdict;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.PlanRunner;
import io.dr4j.core.plan.RetryPolicy;
import io.dr4j.core.plan.RunRequest;
import io.dr4j.core.plan.scenario.ApplicationRollback;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The seed's scenario 5 as a recovery plan, run for real with the Docker deployer against a real engine. */
@Tag("docker")
@ExtendWith(TestDocker.Extension.class)
class ApplicationRollbackPlanIT {
    private static TestDocker docker;
    private String name;

    @BeforeAll
    static void engine(TestDocker d) {
        docker = d;
    }

    @AfterEach
    void cleanUp() {
        if (name != null) {
            docker.removeService(name);
        }
    }

    @Test
    @DisplayName("the application-rollback plan identifies the bad revision, rolls back, verifies, meets the RTO")
    void planRollsBackAMisbehavingVersion() {
        name = "dr4j-plan-" + UUID.randomUUID().toString().substring(0, 8);
        int port = TestDocker.freePort();
        docker.startService(name, TestDocker.V1, port, Map.of());
        try (DockerDeployer deployer = docker.newDeployer()) {
            // v2 passes its HEALTHCHECK, but users complain: the plan takes the service back to v1
            DeploymentResult v2 = deployer.deploy(DeploymentSpec.of(name, TestDocker.V2)
                    .withDeadline(Duration.ofSeconds(30)));
            assertThat(v2.outcome()).as(v2.message()).isEqualTo(Outcome.DEPLOYED);

            List<HealthCheck> app = List.of(HealthChecks.forHttp(URI.create("http://127.0.0.1:" + port + "/version"))
                    .bodyContains("v1").timeout(Duration.ofSeconds(2)));
            PlanResult r = PlanRunner.builder().approver(Approvers.autoApprove("it")).build()
                    .run(ApplicationRollback.builder().deployer(deployer).healthChecks(app)
                                    .rollbackDeadline(Duration.ofSeconds(30))
                                    .verifyRetry(new RetryPolicy(3, Duration.ofMillis(200), 1, Duration.ofMillis(200)))
                                    .monitor(Duration.ofSeconds(1), Duration.ofMillis(250)).build(),
                            RunRequest.withInputs(Map.of("service", name)));

            assertThat(r.succeeded()).as(r.steps().toString()).isTrue();
            assertThat(r.stepResult("identify-deployment").output().values()).containsEntry("previousRevision", "1");
            assertThat(r.stepResult("rollback").output().values()).containsEntry("outcome", "ROLLBACK_COMPLETED");
            assertThat(docker.runs(name, TestDocker.V1)).isTrue();
            assertThat(TestDocker.get(port, "/version")).isEqualTo("200 v1");
            assertThat(r.verdicts()).filteredOn(v -> v.kind() == ObjectiveVerdict.Kind.RTO).singleElement()
                    .satisfies(v -> {
                        assertThat(v.verdict()).as(v.basis()).isEqualTo(ObjectiveVerdict.Verdict.MET);
                        System.out.printf("application-rollback plan on Docker: achieved RTO %d ms (objective %s)%n",
                                v.achieved() == null ? -1 : v.achieved().toMillis(), v.objective());
                    });
        }
    }
}
