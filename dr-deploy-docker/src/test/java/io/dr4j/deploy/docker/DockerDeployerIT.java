package io.dr4j.deploy.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.dockerjava.api.command.InspectContainerResponse;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentResult.Outcome;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.RollbackRequest;
import io.dr4j.core.deploy.spi.DeployerProvider;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthChecks;
import io.dr4j.core.health.HealthStatus;
import io.dr4j.core.spi.Providers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** DockerDeployer on a real engine: the seed's application-rollback scenario, Compose services, bad input. */
@Tag("docker")
@ExtendWith(TestDocker.Extension.class)
class DockerDeployerIT {
    private static final Logger log = LoggerFactory.getLogger(DockerDeployerIT.class);
    private static TestDocker docker;

    private String name;
    private int port;

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

    private String start(Map<String, String> labels) {
        name = "dr4j-it-" + UUID.randomUUID().toString().substring(0, 8);
        port = TestDocker.freePort();
        docker.startService(name, TestDocker.V1, port, labels);
        assertThat(TestDocker.get(port, "/version")).isEqualTo("200 v1");
        return name;
    }

    private DeploymentSpec spec(String service, String image) {
        return DeploymentSpec.of(service, image).withDeadline(Duration.ofSeconds(30))
                .withChangeCause("release " + image.substring(image.indexOf(':') + 1))
                .withHealthGate(List.<HealthCheck>of(HealthChecks.forHttp(URI.create("http://127.0.0.1:" + port + "/health"))
                        .bodyContains("ok")));
    }

    @Test
    @DisplayName("v1 → v2 healthy → v3 unhealthy rolled back to v2 → process restart → explicit rollback to v1")
    void applicationRollbackScenario() {
        start(Map.of("team", "payments"));
        String v1Id = docker.inspect(name).getId();
        try (DockerDeployer deployer = docker.newDeployer()) {
            DeploymentResult v2 = deployer.deploy(spec(name, TestDocker.V2));

            assertThat(v2.outcome()).as(v2.message()).isEqualTo(Outcome.DEPLOYED);
            assertThat(v2.phases()).containsKeys("inspect", "pull", "create", "stop-old", "start", "health");
            assertThat(TestDocker.get(port, "/version")).isEqualTo("200 v2");
            InspectContainerResponse c2 = docker.inspect(name);
            assertThat(Arrays.asList(c2.getConfig().getEnv()))
                    .as("operator env kept, image env from the new image")
                    .contains("PORT=" + port, "OPERATOR_SETTING=kept", "APP_VERSION=v2")
                    .doesNotContain("APP_VERSION=v1");
            assertThat(c2.getHostConfig().getNetworkMode()).isEqualTo("host");
            assertThat(c2.getHostConfig().getInit()).isTrue();
            assertThat(docker.admin.engineForTests().stopSettings("containers", c2.getId()))
                    .isEqualTo(new DockerEngine.StopSettings("SIGINT", 3));
            assertThat(c2.getHostConfig().getRestartPolicy().getName()).isEqualTo("unless-stopped");
            assertThat(c2.getConfig().getLabels())
                    .containsEntry("team", "payments")
                    .containsEntry("io.dr4j.test.version", "v2")
                    .containsEntry(RevisionLabels.REVISION, "2")
                    .containsEntry(RevisionLabels.CHANGE_CAUSE, "release v2")
                    .containsKey(RevisionLabels.HISTORY);
            assertThat(c2.getConfig().getHealthcheck()).as("HEALTHCHECK comes from the image")
                    .isEqualTo(docker.client.inspectImageCmd(TestDocker.V2).exec().getConfig().getHealthcheck());
            assertThat(docker.inspect(name + ".dr4j-r1").getId()).as("v1 kept, stopped").isEqualTo(v1Id);
            assertThat(docker.inspect(name + ".dr4j-r1").getState().getRunning()).isFalse();

            DeploymentResult v3 = deployer.deploy(spec(name, TestDocker.BAD));

            assertThat(v3.outcome()).as(v3.message()).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(v3.message()).contains("404").contains("rolled back to revision 2");
            assertThat(v3.toRevision().number()).isEqualTo(2);
            assertThat(v3.phases()).containsKey("rollback");
            assertThat(TestDocker.get(port, "/version")).isEqualTo("200 v2");
            assertThat(docker.inspect(name).getId()).as("the v2 container itself was restarted").isEqualTo(c2.getId());
            assertThat(docker.inspect(name + ".dr4j-failed").getState().getRunning()).isFalse();
            System.out.printf("automatic rollback v3 -> v2: %d ms (whole deploy %d ms, phases %s)%n",
                    v3.phases().get("rollback").toMillis(), v3.total().toMillis(), v3.phases());
            assertThat(deployer.history(name)).extracting(Revision::number, Revision::image, Revision::current)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, TestDocker.V1, false),
                            org.assertj.core.groups.Tuple.tuple(2L, TestDocker.V2, true));
        }

        // the embedding process restarts: a new deployer knows nothing but what the engine's labels say
        try (DockerDeployer restarted = docker.newDeployer()) {
            List<Revision> h = restarted.history(name);
            assertThat(h).extracting(Revision::number).containsExactly(1L, 2L);
            assertThat(h.get(0).details()).containsEntry("container", name + ".dr4j-r1")
                    .containsEntry("imageId", docker.imageId(TestDocker.V1));
            assertThat(h.get(1).changeCause()).isEqualTo("release v2");

            DeploymentResult dry = restarted.rollback(name, RollbackRequest.toPrevious().asDryRun());
            assertThat(dry.outcome()).isEqualTo(Outcome.DRY_RUN);
            assertThat(dry.message()).contains(TestDocker.V1).contains("revision 3");
            assertThat(TestDocker.get(port, "/version")).isEqualTo("200 v2");

            long t0 = System.nanoTime();
            DeploymentResult back = restarted.rollback(name);
            long ms = (System.nanoTime() - t0) / 1_000_000;

            assertThat(back.outcome()).as(back.message()).isEqualTo(Outcome.ROLLBACK_COMPLETED);
            assertThat(TestDocker.get(port, "/version")).isEqualTo("200 v1");
            assertThat(docker.runs(name, TestDocker.V1)).isTrue();
            assertThat(restarted.history(name))
                    .extracting(Revision::number, Revision::image, Revision::changeCause, Revision::current)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(2L, TestDocker.V2, "release v2", false),
                            org.assertj.core.groups.Tuple.tuple(3L, TestDocker.V1, "rollback to revision 1", true));
            System.out.printf("explicit rollback v2 -> v1 after a process restart: %d ms (phases %s); "
                    + "the seed allows 5 minutes%n", ms, back.phases());
            log.info("explicit rollback took {} ms", ms);
            assertThat(Duration.ofMillis(ms)).isLessThan(Duration.ofMinutes(1));
            assertThat(docker.inspect(name).getConfig().getEnv()).contains("APP_VERSION=v1", "OPERATOR_SETTING=kept");
        }
    }

    @Test
    @DisplayName("a Compose-labelled service is found by project/service and keeps its Compose labels and name")
    void composeService() {
        String project = "shop" + UUID.randomUUID().toString().substring(0, 6);
        start(Map.of(ServiceResolver.COMPOSE_PROJECT, project, ServiceResolver.COMPOSE_SERVICE, "web",
                "com.docker.compose.container-number", "1", ServiceResolver.COMPOSE_ONEOFF, "False"));
        String service = project + "/web";
        try (DockerDeployer deployer = docker.newDeployer()) {
            DeploymentResult r = deployer.deploy(spec(service, TestDocker.V2));

            assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.DEPLOYED);
            assertThat(TestDocker.get(port, "/version")).isEqualTo("200 v2");
            InspectContainerResponse c = docker.inspect(name);
            assertThat(c.getConfig().getLabels()).containsEntry(ServiceResolver.COMPOSE_PROJECT, project)
                    .containsEntry(ServiceResolver.COMPOSE_SERVICE, "web");
            assertThat(deployer.history(service)).hasSize(2);
            assertThat(deployer.healthCheck(service).check().status()).isEqualTo(HealthStatus.UP);

            DeploymentResult back = deployer.rollback(service);

            assertThat(back.outcome()).as(back.message()).isEqualTo(Outcome.ROLLBACK_COMPLETED);
            assertThat(TestDocker.get(port, "/version")).isEqualTo("200 v1");
            assertThat(docker.containersOf(name)).as("the kept containers are not taken for the service")
                    .contains(name + ".dr4j-r2");
            assertThat(deployer.history(service)).hasSize(2);
        }
    }

    @Test
    @DisplayName("bind mounts and anonymous volumes survive a deployment: the successor mounts the same data")
    void mountsSurvive() throws java.io.IOException {
        name = "dr4j-it-" + UUID.randomUUID().toString().substring(0, 8);
        port = TestDocker.freePort();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("dr4j-bind-");
        String id = docker.client.createContainerCmd(TestDocker.V1).withName(name).withEnv("PORT=" + port)
                .withVolumes(new com.github.dockerjava.api.model.Volume("/data"))
                .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withNetworkMode("host")
                        .withInit(true).withBinds(new com.github.dockerjava.api.model.Bind(dir.toString(),
                                new com.github.dockerjava.api.model.Volume("/conf"))))
                .exec().getId();
        docker.client.startContainerCmd(id).exec();
        String volume = docker.inspect(name).getMounts().stream()
                .filter(m -> m.getDestination().getPath().equals("/data")).findFirst().orElseThrow().getName();
        assertThat(volume).isNotBlank();
        try (DockerDeployer deployer = docker.newDeployer()) {
            DeploymentResult r = deployer.deploy(spec(name, TestDocker.V2));

            assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.DEPLOYED);
            List<InspectContainerResponse.Mount> mounts = docker.inspect(name).getMounts();
            assertThat(mounts).anySatisfy(m -> {
                assertThat(m.getDestination().getPath()).isEqualTo("/data");
                assertThat(m.getName()).as("the same volume, not a new anonymous one").isEqualTo(volume);
            });
            assertThat(mounts).anySatisfy(m -> {
                assertThat(m.getDestination().getPath()).isEqualTo("/conf");
                assertThat(m.getSource()).isEqualTo(dir.toString());
            });
        } finally {
            docker.removeService(name);
            name = null;
            docker.client.removeVolumeCmd(volume).exec();
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    @DisplayName("an image that is neither present nor pullable is a clear error and nothing changes")
    void imageNotPullable() {
        start(Map.of());
        String id = docker.inspect(name).getId();
        try (DockerDeployer deployer = docker.newDeployer()) {
            assertThatThrownBy(() -> deployer.deploy(spec(name, "dr4j-test/does-not-exist:1")))
                    .isInstanceOf(DeploymentException.class)
                    .hasMessageContaining("dr4j-test/does-not-exist:1")
                    .hasMessageContaining("could not be pulled")
                    .hasMessageContaining("nothing was changed");
            assertThat(docker.inspect(name).getId()).isEqualTo(id);
            assertThat(docker.containersOf(name)).containsExactly(name);
            assertThat(TestDocker.get(port, "/version")).isEqualTo("200 v1");
        }
        try (DockerDeployer never = DockerDeployer.create(DockerDeployerConfig.defaults().withHost(docker.host)
                .withPull(DockerDeployerConfig.PullPolicy.NEVER))) {
            assertThatThrownBy(() -> never.deploy(spec(name, "dr4j-test/does-not-exist:1")))
                    .isInstanceOf(DeploymentException.class).hasMessageContaining("pull=never");
        }
    }

    @Test
    @DisplayName("unknown service, rollback without history, unreachable daemon: clear errors")
    void badInput() {
        start(Map.of());
        try (DockerDeployer deployer = docker.newDeployer()) {
            assertThatThrownBy(() -> deployer.deploy(spec("dr4j-nope-x", TestDocker.V2)))
                    .isInstanceOf(DeploymentException.class)
                    .hasMessageContaining("unknown service 'dr4j-nope-x'")
                    .hasMessageContaining("docker ps -a");
            assertThatThrownBy(() -> deployer.rollback(name))
                    .isInstanceOf(DeploymentException.class)
                    .hasMessageContaining("no earlier revision")
                    .hasMessageContaining("revision 1 (" + TestDocker.V1 + ")");
            assertThat(docker.containersOf(name)).containsExactly(name);
        }
        String socket = "/tmp/dr4j-no-daemon-" + UUID.randomUUID().toString().substring(0, 6) + "/docker.sock";
        try (DockerDeployer down = DockerDeployer.create(DockerDeployerConfig.defaults().withHost("unix://" + socket))) {
            assertThatThrownBy(() -> down.history("web"))
                    .isInstanceOf(DeploymentException.class)
                    .hasMessageContaining(socket)
                    .hasMessageContaining("not reachable")
                    .hasMessageContaining("DOCKER_HOST");
            assertThatThrownBy(() -> down.deploy(DeploymentSpec.of("web", TestDocker.V2)))
                    .isInstanceOf(DeploymentException.class).hasMessageContaining(socket);
            assertThat(down.healthCheck("web").check().status()).isEqualTo(HealthStatus.DOWN);
        }
    }

    @Test
    @DisplayName("same image is UNCHANGED, a dry run changes nothing, without auto-rollback a bad version stays")
    void unchangedDryRunAndNoAutoRollback() {
        start(Map.of());
        try (DockerDeployer deployer = docker.newDeployer()) {
            String id = docker.inspect(name).getId();
            assertThat(deployer.deploy(spec(name, TestDocker.V1)).outcome()).isEqualTo(Outcome.UNCHANGED);

            DeploymentSpec dry = new DeploymentSpec(name, TestDocker.V2, null, null, List.of(),
                    Duration.ofSeconds(30), true, Map.of("dry-run", "true"));
            DeploymentResult r = deployer.deploy(dry);
            assertThat(r.outcome()).isEqualTo(Outcome.DRY_RUN);
            assertThat(r.message()).contains(TestDocker.V2).contains("OPERATOR_SETTING")
                    .as("env values (often secrets) are not shown").doesNotContain("=kept");
            assertThat(docker.inspect(name).getId()).isEqualTo(id);
            assertThat(deployer.history(name)).hasSize(1);

            DeploymentResult bad = deployer.deploy(spec(name, TestDocker.BAD).withAutoRollback(false));
            assertThat(bad.outcome()).as(bad.message()).isEqualTo(Outcome.FAILED);
            assertThat(bad.message()).contains("left running");
            assertThat(docker.runs(name, TestDocker.BAD)).isTrue();
            assertThat(deployer.healthCheck(name).check().status()).isEqualTo(HealthStatus.DOWN);

            DeploymentResult back = deployer.rollback(name);
            assertThat(back.outcome()).as(back.message()).isEqualTo(Outcome.ROLLBACK_COMPLETED);
            assertThat(TestDocker.get(port, "/version")).isEqualTo("200 v1");
        }
    }

    @Test
    @DisplayName("only keep-previous replaced containers stay; the provider is found by ServiceLoader")
    void pruningAndProvider() {
        start(Map.of());
        DeployerProvider provider = Providers.deployers().providers().stream()
                .filter(p -> p.id().equals("docker")).findFirst().orElseThrow();
        assertThat(provider.artifact()).isEqualTo("io.dr4j:dr-deploy-docker");
        try (Deployer deployer = provider.create(ProviderConfig.of(Map.of("dr.deploy.docker.host", docker.host,
                "dr.deploy.docker.keep-previous", "1")).scope("dr.deploy.docker"))) {
            assertThat(deployer.deploy(spec(name, TestDocker.V2)).outcome()).isEqualTo(Outcome.DEPLOYED);
            assertThat(deployer.deploy(spec(name, TestDocker.V1)).outcome()).isEqualTo(Outcome.DEPLOYED);
            assertThat(deployer.deploy(spec(name, TestDocker.V2)).outcome()).isEqualTo(Outcome.DEPLOYED);

            assertThat(docker.containersOf(name)).containsExactlyInAnyOrder(name, name + ".dr4j-r3");
            assertThat(deployer.history(name)).extracting(Revision::number).containsExactly(1L, 2L, 3L, 4L);
            DeploymentResult r = deployer.rollback(name, RollbackRequest.toRevision(1));
            assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.ROLLBACK_COMPLETED);
            assertThat(TestDocker.get(port, "/version")).isEqualTo("200 v1");
            assertThat(deployer.history(name)).extracting(Revision::number).containsExactly(2L, 3L, 4L, 5L);
        }
    }
}
