package io.dr4j.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.deploy.Deployer;
import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.deploy.DeploymentResult.Outcome;
import io.dr4j.core.deploy.DeploymentSpec;
import io.dr4j.core.deploy.Revision;
import io.dr4j.core.deploy.RollbackRequest;
import io.dr4j.core.deploy.spi.DeployerProvider;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;
import io.dr4j.core.spi.Providers;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cases that need the mock server's scripted answers or a hand-made object graph (no controller running): RBAC 403,
 * an unreachable server, owner references over labels, kubectl's annotation copy rules, configuration.
 */
class KubernetesDeployerErrorsTest {
    private static final String NS = "prod";
    private KubernetesMockServer server;
    private KubernetesClient client;
    private KubernetesDeployer deployer;

    @BeforeEach
    void start() {
        server = KubernetesDeployerTest.startServer();
        client = server.createClient();
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName(NS).endMetadata().build()).create();
        deployer = KubernetesDeployer.builder().client(client).namespace(NS).pollInterval(Duration.ofMillis(20)).build();
    }

    @AfterEach
    void stop() {
        deployer.close();
        client.close();
        server.destroy();
    }

    @Test
    @DisplayName("HTTP 403 names the RBAC verb and resource that are missing")
    void forbidden() {
        createDeploymentWithHistory();
        server.expect().patch().withPath("/apis/apps/v1/namespaces/prod/deployments/api")
                .andReturn(403, forbidden("patch", "deployments", "apps")).always();

        assertThatThrownBy(() -> deployer.rollback("api")).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("forbidden").hasMessageContaining("may not patch deployments.apps in namespace 'prod'")
                .hasMessageContaining("apiGroups: [\"apps\"], resources: [\"deployments\"], verbs: [\"patch\"]")
                .hasMessageContaining("cannot patch resource \"deployments\"");
        assertThat(image()).isEqualTo("app:2");

        server.expect().get().withPath("/apis/apps/v1/namespaces/prod/replicasets?labelSelector=app%3Dapi")
                .andReturn(403, forbidden("list", "replicasets", "apps")).always();
        assertThatThrownBy(() -> deployer.history("api")).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("may not list replicasets.apps")
                .hasMessageContaining("verbs: [\"list\"]");
    }

    @Test
    @DisplayName("403 on reading the Deployment itself names get deployments.apps")
    void forbiddenGet() {
        server.expect().get().withPath("/apis/apps/v1/namespaces/prod/deployments/api")
                .andReturn(403, forbidden("get", "deployments", "apps")).always();
        assertThatThrownBy(() -> deployer.deploy(DeploymentSpec.of("prod/api", "app:3")))
                .isInstanceOf(DeploymentException.class)
                .hasMessageContaining("may not get deployments.apps in namespace 'prod'");
    }

    @Test
    @DisplayName("a plain name without the right to read StatefulSets reports the Deployment as missing")
    void plainNameWithoutStatefulSetRights() {
        server.expect().get().withPath("/apis/apps/v1/namespaces/prod/statefulsets/nope")
                .andReturn(403, forbidden("get", "statefulsets", "apps")).always();
        assertThatThrownBy(() -> deployer.history("nope")).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("Deployment 'nope' not found in namespace 'prod'");
        assertThatThrownBy(() -> deployer.history("sts/nope")).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("may not get statefulsets.apps");
    }

    @Test
    @DisplayName("in-cluster configuration outside a pod is refused with the reason")
    void inCluster() {
        if (System.getenv("KUBERNETES_SERVICE_HOST") == null) {
            assertThatThrownBy(() -> KubernetesDeployer.builder().inCluster(true).build())
                    .isInstanceOf(io.dr4j.core.ConfigurationException.class)
                    .hasMessageContaining("does not run in a pod");
        } else {
            try (KubernetesDeployer d = KubernetesDeployer.builder().inCluster(true).build()) {
                assertThat(d.client().getConfiguration().getMasterUrl())
                        .contains(System.getenv("KUBERNETES_SERVICE_PORT"));
            }
        }
    }

    @Test
    @DisplayName("an unreachable API server is named (host and port) and fails fast")
    void unreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (KubernetesClient dead = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + port).withOauthToken("not-shown-anywhere")
                .withRequestRetryBackoffLimit(0).withConnectionTimeout(2000).build()).build();
             KubernetesDeployer d = KubernetesDeployer.builder().client(dead).namespace(NS).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> d.rollback("api")).isInstanceOf(DeploymentException.class)
                    .hasMessageContaining("cannot reach the Kubernetes API server at 127.0.0.1:" + port)
                    .hasMessageContaining("get deployments.apps")
                    .hasMessageNotContaining("not-shown-anywhere");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(d.deploymentAvailable("api").check().status()).isEqualTo(HealthStatus.DOWN);
        }
    }

    @Test
    @DisplayName("only ReplicaSets whose controller owner is the Deployment's uid count, whatever their labels")
    void ownerReferencesNotLabels() {
        Deployment d = createDeploymentWithHistory();
        // same labels, higher revision, but controlled by another object: kubectl ignores it, so do we
        client.apps().replicaSets().inNamespace(NS).resource(replicaSet("impostor", "app:evil", 7,
                "00000000-dead-beef-0000-000000000000", Map.of())).create();

        assertThat(deployer.history("api")).extracting(Revision::number).containsExactly(1L, 2L);
        assertThat(deployer.history("api")).filteredOn(Revision::current).extracting(Revision::image)
                .containsExactly("app:2");
        assertThat(deployer.rollback("api", RollbackRequest.toPrevious().asDryRun()).message())
                .contains("revision 1").contains("app:1").doesNotContain("evil");
        assertThat(d.getMetadata().getUid()).isNotBlank();
    }

    @Test
    @DisplayName("rollback copies annotations like kubectl: ReplicaSet's except the skip list, which stays")
    void annotationCopy() {
        createDeploymentWithHistory();
        // no controller runs here: the rollout never completes, but the patch shows what was written
        var r = deployer.rollback("api", RollbackRequest.toPrevious().withDeadline(Duration.ofMillis(200)));

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        Deployment after = client.apps().deployments().inNamespace(NS).withName("api").get();
        assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("app:1");
        assertThat(after.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey("pod-template-hash");
        assertThat(after.getMetadata().getAnnotations())
                .containsEntry("kubernetes.io/change-cause", "first")           // from the ReplicaSet
                .containsEntry("team", "payments")                               // from the ReplicaSet
                .containsEntry("deployment.kubernetes.io/revision", "2")         // skip list: kept from Deployment
                .containsEntry("kubectl.kubernetes.io/last-applied-configuration", "{\"deployment\":true}")
                .doesNotContainKey("only-on-deployment");                        // replaced, as kubectl does
    }

    @Test
    @DisplayName("the provider is found by ServiceLoader and configures kubeconfig, context and namespace")
    void provider(@TempDir Path dir) throws Exception {
        createDeploymentWithHistory();
        Path kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: http://127.0.0.1:%d
                contexts:
                - name: prod-ctx
                  context: {cluster: mock, user: tester, namespace: prod}
                - name: other
                  context: {cluster: mock, user: tester, namespace: other}
                current-context: other
                users:
                - name: tester
                  user: {token: secret-token-value}
                """.formatted(server.getPort()));
        DeployerProvider p = Providers.deployers().byId("k8s", DeployerProvider::id);
        assertThat(p).isInstanceOf(KubernetesDeployerProvider.class);
        assertThat(p.artifact()).isEqualTo("io.dr4j:dr-deploy-k8s");
        ProviderConfig cfg = ProviderConfig.of(Map.of("dr.deploy.k8s.kubeconfig", kubeconfig.toString(),
                "dr.deploy.k8s.context", "prod-ctx", "dr.deploy.k8s.poll-interval", "50ms")).scope("dr.deploy.k8s");
        try (Deployer d = p.create(cfg)) {
            assertThat(((KubernetesDeployer) d).namespace()).isEqualTo("prod");
            assertThat(d.history("api")).extracting(Revision::number, Revision::image, Revision::changeCause)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "app:1", "first"),
                            org.assertj.core.groups.Tuple.tuple(2L, "app:2", "second"));
        }
        ProviderConfig missing = ProviderConfig.of(Map.of("dr.deploy.k8s.kubeconfig", dir.resolve("nope").toString()))
                .scope("dr.deploy.k8s");
        assertThatThrownBy(() -> p.create(missing)).hasMessageContaining("does not exist");
    }

    @Test
    @DisplayName("service names: namespace/name, kind/name, namespace/kind/name")
    void workloadRefs() {
        assertThat(WorkloadRef.parse("api", "prod")).isEqualTo(new WorkloadRef("prod", WorkloadRef.Kind.ANY, "api"));
        assertThat(WorkloadRef.parse("staging/api", "prod"))
                .isEqualTo(new WorkloadRef("staging", WorkloadRef.Kind.ANY, "api"));
        assertThat(WorkloadRef.parse("sts/db", "prod"))
                .isEqualTo(new WorkloadRef("prod", WorkloadRef.Kind.STATEFULSET, "db"));
        assertThat(WorkloadRef.parse("staging/deployment/api", "prod"))
                .isEqualTo(new WorkloadRef("staging", WorkloadRef.Kind.DEPLOYMENT, "api"));
        assertThatThrownBy(() -> WorkloadRef.parse("a/b/c", "prod")).isInstanceOf(DeploymentException.class)
                .hasMessageContaining("not a Kubernetes workload name");
        assertThatThrownBy(() -> WorkloadRef.parse("prod/", "x")).isInstanceOf(DeploymentException.class);
    }

    @Test
    @DisplayName("health checks answer DOWN for a missing workload instead of throwing")
    void healthChecksDown() {
        HealthResult a = deployer.deploymentAvailable("nope").check();
        HealthResult p = deployer.podsReady("nope").check();
        assertThat(a.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(a.message()).contains("'nope' not found");
        assertThat(p.status()).isEqualTo(HealthStatus.DOWN);
        HealthResult viaFactory = KubernetesHealthChecks.podsReady(client, "prod/deployment/nope").check();
        assertThat(viaFactory.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(viaFactory.message()).contains("Deployment 'nope' not found in namespace 'prod'");
        assertThat(KubernetesHealthChecks.deploymentAvailable(client, "prod/nope").name())
                .isEqualTo("k8s-available:prod/nope");
    }

    // ------------------------------------------------------------------ fixtures

    /** A Deployment at app:2 with ReplicaSets for revision 1 (app:1) and 2 (app:2), as a controller leaves them. */
    private Deployment createDeploymentWithHistory() {
        Deployment d = client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("api").withNamespace(NS)
                .addToAnnotations("deployment.kubernetes.io/revision", "2")
                .addToAnnotations("kubernetes.io/change-cause", "second")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"deployment\":true}")
                .addToAnnotations("only-on-deployment", "x").endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app:2").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        String uid = d.getMetadata().getUid();
        // newest first: the API lists in no particular order, so the second-highest pick must not rely on one
        client.apps().replicaSets().inNamespace(NS).resource(replicaSet("api-2222", "app:2", 2, uid,
                Map.of("kubernetes.io/change-cause", "second"))).create();
        client.apps().replicaSets().inNamespace(NS).resource(replicaSet("api-1111", "app:1", 1, uid,
                Map.of("kubernetes.io/change-cause", "first", "team", "payments",
                        "kubectl.kubernetes.io/last-applied-configuration", "{\"rs\":true}"))).create();
        return d;
    }

    private static ReplicaSet replicaSet(String name, String image, long revision, String ownerUid,
                                         Map<String, String> annotations) {
        String hash = name.substring(name.indexOf('-') + 1);
        return new ReplicaSetBuilder().withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS)
                        .addToLabels("app", "api").addToLabels("pod-template-hash", hash)
                        .addToAnnotations(annotations)
                        .addToAnnotations("deployment.kubernetes.io/revision", Long.toString(revision))
                        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                                .withName("api").withUid(ownerUid).withController(true).build()).build())
                .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "api").addToLabels("pod-template-hash", hash)
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage(image).endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    private String image() {
        return client.apps().deployments().inNamespace(NS).withName("api").get().getSpec().getTemplate().getSpec()
                .getContainers().get(0).getImage();
    }

    private static Status forbidden(String verb, String resource, String group) {
        return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure").withCode(403)
                .withReason("Forbidden").withMessage(resource + "." + group + " \"api\" is forbidden: User "
                        + "\"system:serviceaccount:ci:dr4j\" cannot " + verb + " resource \"" + resource
                        + "\" in API group \"" + group + "\" in the namespace \"prod\"").build();
    }

}
