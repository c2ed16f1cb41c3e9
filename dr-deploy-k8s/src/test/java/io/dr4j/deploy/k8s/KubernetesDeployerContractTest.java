package io.dr4j.deploy.k8s;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.dr4j.core.deploy.Deployer;
import io.dr4j.tck.DeployerContractTest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;


/**
 * The dr-tck {@link DeployerContractTest} on {@link KubernetesDeployer}, against the CRUD mock server with the
 * {@link ControllerSimulation} playing the Deployment controller. {@link #runs} asks the "platform": the pods that
 * are Ready, not the deployer's history.
 */
class KubernetesDeployerContractTest extends DeployerContractTest {
    private KubernetesMockServer server;
    private KubernetesClient client;
    private ControllerSimulation controllers;
    private KubernetesDeployer deployer;

    /** Started from {@link #createService()}: the superclass's @BeforeEach runs before any of ours would. */
    private void startCluster() {
        server = KubernetesDeployerTest.startServer();
        client = server.createClient();
        controllers = new ControllerSimulation(server.createClient());
        controllers.markBad(unhealthyImage());
        deployer = KubernetesDeployer.builder().client(client).pollInterval(Duration.ofMillis(50)).build();
    }

    /** Stopped from {@link #removeService}: the superclass's @AfterEach runs after any of ours would. */
    private void stopCluster() {
        deployer.close();
        controllers.close();
        client.close();
        server.destroy();
        server = null;
        if (controllers.failure() != null) {
            throw new AssertionError("the controller simulation itself failed", controllers.failure());
        }
    }

    @Override
    protected Deployer deployer() {
        return deployer;
    }

    @Override
    protected String createService() {
        startCluster();
        String ns = "tck-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName("api").withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(initialImage()).endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        String service = ns + "/api";
        Instant until = Instant.now().plus(deadline());
        while (!runs(service, initialImage()) || deployer.history(service).isEmpty()) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("the simulated Deployment " + service + " never became ready");
            }
            sleep();
        }
        return service;
    }

    @Override
    protected void removeService(String service) {
        try {
            client.namespaces().withName(service.substring(0, service.indexOf('/'))).delete();
        } finally {
            stopCluster();
        }
    }

    @Override
    protected String initialImage() {
        return "registry.example/tck:1";
    }

    @Override
    protected String healthyImage() {
        return "registry.example/tck:2";
    }

    @Override
    protected String unhealthyImage() {
        return "registry.example/tck:never-ready";
    }

    @Override
    protected Duration deadline() {
        return Duration.ofSeconds(10);
    }

    /** Every Ready, non-terminating pod of the Deployment runs {@code image}, and there are as many as desired. */
    @Override
    protected boolean runs(String service, String image) {
        String ns = service.substring(0, service.indexOf('/'));
        List<Pod> ready = client.pods().inNamespace(ns).withLabel("app", "api").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> p.getStatus() != null && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .toList();
        return ready.size() >= 2 && ready.stream().allMatch(p -> p.getSpec().getContainers().get(0).getImage()
                .equals(image));
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
