package io.dr4j.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;


/**
 * The deployer cases against fabric8's CRUD mock server on 127.0.0.1 (plain HTTP), with {@link ControllerSimulation}
 * playing the Deployment and StatefulSet controllers.
 */
class KubernetesDeployerTest extends KubernetesDeployerCases {
    private KubernetesMockServer server;
    private ControllerSimulation controllers;

    static KubernetesMockServer startServer() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        s.init(java.net.InetAddress.getLoopbackAddress(), 0);
        return s;
    }

    @Override
    protected KubernetesClient newClient() {
        server = startServer();
        KubernetesClient c = server.createClient();
        controllers = new ControllerSimulation(server.createClient());
        controllers.markBad(badImage());
        return c;
    }

    @Override
    protected void afterCluster() {
        controllers.close();
        assertThat(controllers.failure()).as("the controller simulation itself failed").isNull();
        server.destroy();
    }

    @Override
    protected String image(int n) {
        return "registry.example/app:1." + n;
    }

    @Override
    protected String badImage() {
        return "registry.example/app:broken";
    }

    @Override
    protected Duration rolloutTimeout() {
        return Duration.ofSeconds(10);
    }
}
