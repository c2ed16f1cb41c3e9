package io.dr4j.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.DeploymentResult;
import io.dr4j.core.deploy.DeploymentResult.Outcome;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.RollbackRequest;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The deployer's behaviour, run against the mock server with the controller simulation
 * ({@link KubernetesDeployerTest}) and, opt-in, against a real cluster ({@link KubernetesDeployerIT}).
 */
abstract class KubernetesDeployerCases {
    protected KubernetesClient client;
    protected KubernetesDeployer deployer;
    protected String ns;

    /** A client for the cluster under test. */
    protected abstract KubernetesClient newClient();

    /** A pullable, runnable image; n = 1, 2, 3 give different tags. */
    protected abstract String image(int n);

    /** An image whose rollout fails (never becomes ready). */
    protected abstract String badImage();

    /** How long a rollout may take here. */
    protected abstract Duration rolloutTimeout();

    protected Duration pollInterval() {
        return Duration.ofMillis(50);
    }

    @BeforeEach
    void setUpCluster() {
        client = newClient();
        ns = "dr4j-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        deployer = KubernetesDeployer.builder().client(client).namespace(ns).pollInterval(pollInterval()).build();
    }

    @AfterEach
    void tearDownCluster() {
        deployer.close();
        try {
            client.namespaces().withName(ns).delete();
        } finally {
            client.close();
            afterCluster();
        }
    }

    /** Runs after each test's namespace was deleted. */
    protected void afterCluster() {
    }

    @Test
    @DisplayName("deploy sets the image, records the change cause and passes a gate of the built-in health checks")
    void deployWithGate() {
        createDeployment("api", image(1));
        DeploymentResult r = deployer.deploy(spec("api", image(2)).withChangeCause("release 2")
                .withHealthGate(List.of(deployer.deploymentAvailable("api"), deployer.podsReady("api"))));

        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.DEPLOYED);
        assertThat(r.fromRevision()).extracting(Revision::number, Revision::image).containsExactly(1L, image(1));
        assertThat(r.toRevision()).extracting(Revision::number, Revision::image, Revision::changeCause)
                .containsExactly(2L, image(2), "release 2");
        assertThat(r.phases()).containsKeys("patch", "rollout", "health");
        assertThat(imageOf("api")).isEqualTo(image(2));
        assertThat(deployment("api").getMetadata().getAnnotations()).containsEntry(Workload.CHANGE_CAUSE, "release 2");
        assertThat(deployer.deploy(spec("api", image(2))).outcome()).isEqualTo(Outcome.UNCHANGED);
    }

    @Test
    @DisplayName("rollback goes to the second-highest revision and copies its change cause back, like kubectl")
    void rollbackToPrevious() {
        createDeployment("api", image(1));
        deploy("api", image(2), "release 2");
        deploy("api", image(3), "release 3");
        assertThat(deployer.history("api")).extracting(Revision::number, Revision::image, Revision::current)
                .containsExactly(tuple(1L, image(1), false), tuple(2L, image(2), false), tuple(3L, image(3), true));

        DeploymentResult r = deployer.rollback(ns + "/api");

        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.ROLLBACK_COMPLETED);
        assertThat(r.service()).isEqualTo(ns + "/api");
        assertThat(imageOf("api")).isEqualTo(image(2));
        // the ReplicaSet of revision 2 is reused and becomes revision 4; revision 2 disappears from the history
        List<Revision> history = deployer.history("api");
        assertThat(history).extracting(Revision::number).containsExactly(1L, 3L, 4L);
        assertThat(history.get(2)).extracting(Revision::image, Revision::changeCause, Revision::current)
                .containsExactly(image(2), "release 2", true);
        assertThat(r.toRevision()).extracting(Revision::number).isEqualTo(4L);
        assertThat(deployment("api").getMetadata().getAnnotations())
                .containsEntry(Workload.CHANGE_CAUSE, "release 2")
                .containsEntry(DeploymentWorkload.REVISION, "4");
    }

    @Test
    @DisplayName("rollback to an exact revision restores that revision's template")
    void rollbackToRevision() {
        createDeployment("api", image(1));
        deploy("api", image(2), "release 2");
        deploy("api", image(3), "release 3");

        DeploymentResult r = deployer.rollback("api", RollbackRequest.toRevision(1).withDeadline(rolloutTimeout()));

        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.ROLLBACK_COMPLETED);
        assertThat(imageOf("api")).isEqualTo(image(1));
        assertThat(deployer.history("api")).extracting(Revision::number, Revision::image)
                .containsExactly(tuple(2L, image(2)), tuple(3L, image(3)), tuple(4L, image(1)));
    }

    @Test
    @DisplayName("a dry run names the target revision and changes nothing")
    void dryRun() {
        createDeployment("api", image(1));
        deploy("api", image(2), "release 2");
        long generation = deployment("api").getMetadata().getGeneration();

        DeploymentResult r = deployer.rollback("api", RollbackRequest.toPrevious().asDryRun());

        assertThat(r.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(r.message()).contains("revision 1", image(1));
        assertThat(deployment("api").getMetadata().getGeneration()).isEqualTo(generation);
        assertThat(imageOf("api")).isEqualTo(image(2));
    }

    @Test
    @DisplayName("a Deployment with a single revision has no rollout history: clear error, nothing changed")
    void noHistory() {
        createDeployment("api", image(1));
        long generation = deployment("api").getMetadata().getGeneration();

        assertThatThrownBy(() -> deployer.rollback("api")).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("no rollout history found for Deployment " + ns + "/api")
                .hasMessageContaining("[1]");
        assertThat(deployment("api").getMetadata().getGeneration()).isEqualTo(generation);
    }

    @Test
    @DisplayName("a paused Deployment is refused, with the resume command")
    void paused() {
        createDeployment("api", image(1));
        deploy("api", image(2), "release 2");
        client.apps().deployments().inNamespace(ns).withName("api").edit(d -> {
            d.getSpec().setPaused(true);
            return d;
        });

        assertThatThrownBy(() -> deployer.rollback("api")).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("paused").hasMessageContaining("kubectl rollout resume deployment/api -n " + ns);
        assertThatThrownBy(() -> deployer.deploy(spec("api", image(3)))).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("paused");
        assertThat(imageOf("api")).isEqualTo(image(2));
    }

    @Test
    @DisplayName("rolling back to the revision that already runs is skipped")
    void sameTemplate() {
        createDeployment("api", image(1));
        deploy("api", image(2), "release 2");
        long generation = deployment("api").getMetadata().getGeneration();

        DeploymentResult r = deployer.rollback("api", RollbackRequest.toRevision(2));

        assertThat(r.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(r.message()).contains("current template already matches revision 2");
        assertThat(deployment("api").getMetadata().getGeneration()).isEqualTo(generation);
    }

    @Test
    @DisplayName("a rollout that exceeds its progress deadline is rolled back automatically")
    void failedRolloutRollsBack() {
        createDeployment("api", image(1));
        deploy("api", image(2), "release 2");

        DeploymentResult r = deployer.deploy(spec("api", badImage()).withChangeCause("bad release"));

        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(r.message()).contains("progress deadline");
        assertThat(r.phases()).containsKeys("patch", "rollout", "rollback");
        assertThat(imageOf("api")).isEqualTo(image(2));
        assertThat(r.toRevision()).extracting(Revision::image).isEqualTo(image(2));
        assertThat(deployment("api").getMetadata().getAnnotations()).containsEntry(Workload.CHANGE_CAUSE, "release 2");
    }

    @Test
    @DisplayName("without automatic rollback a failed rollout is reported FAILED and left in place")
    void failedRolloutWithoutAutoRollback() {
        createDeployment("api", image(1));

        DeploymentResult r = deployer.deploy(spec("api", badImage()).withAutoRollback(false));

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.message()).contains("automatic rollback is off");
        assertThat(imageOf("api")).isEqualTo(badImage());
    }

    @Test
    @DisplayName("a health gate that stays DOWN until the deadline triggers the automatic rollback")
    void healthGateDownRollsBack() {
        createDeployment("api", image(1));
        HealthCheck down = new HealthCheck() {
            @Override
            public String name() {
                return "smoke-test";
            }

            @Override
            public HealthResult check() {
                return HealthResult.down(name(), "HTTP 500 from /health", Duration.ZERO);
            }
        };

        DeploymentResult r = deployer.deploy(spec("api", image(2)).withHealthGate(List.of(down))
                .withDeadline(rolloutTimeout()));

        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(r.message()).contains("smoke-test DOWN: HTTP 500 from /health");
        assertThat(r.phases()).containsKeys("health", "rollback");
        assertThat(imageOf("api")).isEqualTo(image(1));
    }

    @Test
    @DisplayName("StatefulSets roll back through their ControllerRevisions")
    void statefulSet() {
        createStatefulSet("db", image(1));
        DeploymentResult d = deployer.deploy(spec("statefulset/db", image(2)).withChangeCause("db 2"));
        assertThat(d.outcome()).as(d.message()).isEqualTo(Outcome.DEPLOYED);
        assertThat(deployer.history("db")).extracting(Revision::number, Revision::image, Revision::current)
                .containsExactly(tuple(1L, image(1), false), tuple(2L, image(2), true));

        DeploymentResult r = deployer.rollback(ns + "/statefulset/db",
                RollbackRequest.toPrevious().withDeadline(rolloutTimeout()));

        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.ROLLBACK_COMPLETED);
        assertThat(statefulSet("db").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo(image(1));
        assertThat(deployer.history("db")).extracting(Revision::number, Revision::image, Revision::current)
                .containsExactly(tuple(2L, image(2), false), tuple(3L, image(1), true));
        assertThat(deployer.rollback("db", RollbackRequest.toRevision(3)).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThatThrownBy(() -> deployer.rollback("db", RollbackRequest.toRevision(9)))
                .isInstanceOf(DeploymentException.class)
                .hasMessageContaining("revision 9 not found").hasMessageContaining("[2, 3]");
    }

    @Test
    @DisplayName("a StatefulSet stuck on a pod that never gets Ready is rolled back, the stuck pod replaced")
    void statefulSetFailedRolloutRollsBack() {
        createStatefulSet("db", image(1));

        DeploymentResult r = deployer.deploy(spec("statefulset/db", badImage())
                .withDeadline(rolloutTimeout().dividedBy(2)));

        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(statefulSet("db").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo(image(1));
        assertThat(r.toRevision()).extracting(Revision::image).isEqualTo(image(1));
        awaitUp(deployer.podsReady("statefulset/db"));
    }

    @Test
    @DisplayName("a StatefulSet with one revision has nothing to roll back to")
    void statefulSetNoHistory() {
        createStatefulSet("db", image(1));
        assertThatThrownBy(() -> deployer.rollback("statefulset/db")).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("no rollout history found for StatefulSet");
    }

    @Test
    @DisplayName("unknown namespace, workload, revision and container are named in the error")
    void badInput() {
        createDeployment("api", image(1));
        deploy("api", image(2), "release 2");
        long generation = deployment("api").getMetadata().getGeneration();

        assertThatThrownBy(() -> deployer.rollback("no-such-ns-" + ns + "/api"))
                .isInstanceOf(DeploymentException.class)
                .hasMessageContaining("namespace 'no-such-ns-" + ns + "' does not exist");
        assertThatThrownBy(() -> deployer.rollback("nope")).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("'nope' not found in namespace '" + ns + "'");
        assertThatThrownBy(() -> deployer.history("deployment/nope")).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("Deployment 'nope' not found");
        assertThatThrownBy(() -> deployer.rollback("api", RollbackRequest.toRevision(42)))
                .isInstanceOf(DeploymentException.class)
                .hasMessageContaining("revision 42 not found").hasMessageContaining("known revisions: [1, 2]");
        assertThatThrownBy(() -> deployer.deploy(spec("api", image(3)).withContainer("sidecar")))
                .isInstanceOf(DeploymentException.class)
                .hasMessageContaining("container 'sidecar' not found").hasMessageContaining("[app]");
        assertThat(deployment("api").getMetadata().getGeneration()).isEqualTo(generation);
    }

    // ------------------------------------------------------------------ helpers

    protected DeploymentSpec spec(String service, String image) {
        return DeploymentSpec.of(service, image).withDeadline(rolloutTimeout());
    }

    protected void deploy(String name, String image, String cause) {
        DeploymentResult r = deployer.deploy(spec(name, image).withChangeCause(cause));
        assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.DEPLOYED);
    }

    protected Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(ns).withName(name).get();
    }

    protected StatefulSet statefulSet(String name) {
        return client.apps().statefulSets().inNamespace(ns).withName(name).get();
    }

    protected String imageOf(String name) {
        return deployment(name).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    protected void createDeployment(String name, String image) {
        client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(2).withProgressDeadlineSeconds(15).withRevisionHistoryLimit(10)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(0L).addNewContainer().withName("app").withImage(image)
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
        awaitUp(deployer.deploymentAvailable(name));
    }

    protected void createStatefulSet(String name, String image) {
        client.apps().statefulSets().inNamespace(ns).resource(new StatefulSetBuilder()
                .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(2).withServiceName(name)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(0L).addNewContainer().withName("app").withImage(image)
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
        awaitUp(deployer.deploymentAvailable("statefulset/" + name));
    }

    protected void awaitUp(HealthCheck check) {
        Instant until = Instant.now().plus(rolloutTimeout());
        HealthResult last = check.check();
        while (!last.isUp() && Instant.now().isBefore(until)) {
            sleep(pollInterval());
            last = check.check();
        }
        assertThat(last.isUp()).as("%s: %s", last.name(), last.message()).isTrue();
    }

    protected static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }

    protected static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static Map<String, String> map(String k, String v) {
        return Map.of(k, v);
    }
}
