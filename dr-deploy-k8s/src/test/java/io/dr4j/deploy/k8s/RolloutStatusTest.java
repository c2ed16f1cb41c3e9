package io.dr4j.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The {@code kubectl rollout status} rules on hand-written Deployment statuses, and kubectl's template equality. */
class RolloutStatusTest {
    private static KubernetesMockServer server;
    private static KubernetesClient client;
    private static int counter;

    @BeforeAll
    static void start() {
        server = KubernetesDeployerTest.startServer();
        client = server.createClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.destroy();
    }

    @Test
    @DisplayName("rollout status follows kubectl: observed generation, updated, old, available, deadline")
    void rules() {
        // old replicas still serve while the new spec is not observed yet: DEGRADED
        assertThat(check(status(0, 2, 2, 2, 2))).extracting(HealthResult::status, HealthResult::message)
                .containsExactly(HealthStatus.DEGRADED, "waiting for the Deployment spec update to be observed");
        assertThat(check(status(1, 2, 1, 2, 1)).message()).isEqualTo("1 of 2 new replicas have been updated");
        assertThat(check(status(1, 3, 2, 2, 2)).message()).isEqualTo("1 old replicas are pending termination");
        HealthResult partial = check(status(1, 2, 2, 1, 2));
        assertThat(partial.message()).isEqualTo("1 of 2 updated replicas are available");
        assertThat(partial.status()).isEqualTo(HealthStatus.DEGRADED);
        HealthResult ok = check(status(1, 2, 2, 2, 2));
        assertThat(ok.status()).isEqualTo(HealthStatus.UP);
        assertThat(ok.details()).containsEntry("available", 2).containsEntry("desired", 2);

        DeploymentStatus stuck = new DeploymentStatusBuilder(status(1, 3, 2, 1, 2)).addNewCondition()
                .withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
                .withMessage("ReplicaSet \"api-1\" has timed out progressing.").endCondition().build();
        HealthResult down = check(stuck);
        assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(down.message()).contains("exceeded its progress deadline", "has timed out progressing");
    }

    @Test
    @DisplayName("templates are equal ignoring pod-template-hash, with nil and empty alike, but not other labels")
    void templateEquality() {
        var json = client.getKubernetesSerialization();
        PodTemplateSpec a = template(Map.of("app", "api", "pod-template-hash", "abc"), "app:1");
        PodTemplateSpec b = template(Map.of("app", "api"), "app:1");
        b.getSpec().setVolumes(new java.util.ArrayList<>());   // empty list vs none
        b.getMetadata().setAnnotations(Map.of());              // empty map vs none
        assertThat(Templates.equalIgnoreHash(json, a, b)).isTrue();
        assertThat(Templates.equalIgnoreHash(json, a, template(Map.of("app", "api", "tier", "x"), "app:1"))).isFalse();
        assertThat(Templates.equalIgnoreHash(json, a, template(Map.of("app", "api"), "app:2"))).isFalse();
        assertThat(Templates.withoutHash(json, a).getMetadata().getLabels()).containsOnlyKeys("app");
        assertThat(a.getMetadata().getLabels()).containsKey("pod-template-hash"); // the original is untouched
    }

    private static PodTemplateSpec template(Map<String, String> labels, String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().withLabels(new java.util.HashMap<>(labels)).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec().build();
    }

    private static DeploymentStatus status(long observedGeneration, int replicas, int updated, int available,
                                           int ready) {
        return new DeploymentStatusBuilder().withObservedGeneration(observedGeneration).withReplicas(replicas)
                .withUpdatedReplicas(updated).withAvailableReplicas(available).withReadyReplicas(ready).build();
    }

    private static HealthResult check(DeploymentStatus status) {
        String name = "d" + (++counter);
        Deployment d = client.apps().deployments().inNamespace("prod").resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace("prod").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withTemplate(template(Map.of("app", name), "app:1")).endSpec().build()).create();
        d.setStatus(status);
        client.apps().deployments().inNamespace("prod").resource(d).updateStatus();
        return new DeploymentAvailableHealthCheck(client, new WorkloadRef("prod", WorkloadRef.Kind.DEPLOYMENT, name))
                .check();
    }
}
