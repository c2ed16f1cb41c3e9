package io.dr4j.deploy.k8s;

import java.time.Duration;

import io.fabric8.kubernetes.client.KubernetesClient;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The same cases as {@link KubernetesDeployerTest}, against a REAL cluster and its real controllers. Opt-in: runs only
 * when {@code KUBECONFIG} names a kubeconfig (its current context is used; {@code DR4J_IT_CONTEXT} picks another).
 * Each test creates and deletes its own namespace {@code dr4j-xxxxxxxx}; the identity needs rights on namespaces,
 * deployments, statefulsets, replicasets, controllerrevisions and pods. Images are small public ones
 * ({@code registry.k8s.io/pause}); override with {@code DR4J_IT_IMAGE} (a repository whose tags 3.8, 3.9 and 3.10
 * exist). The bad image points at a registry that does not resolve, so its pods never start and the Deployment hits
 * its 15 s progress deadline.
 */
@EnabledIfEnvironmentVariable(named = "KUBECONFIG", matches = ".+")
class KubernetesDeployerIT extends KubernetesDeployerCases {

    @Override
    protected KubernetesClient newClient() {
        return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(io.fabric8.kubernetes.client.Config.autoConfigure(System.getenv("DR4J_IT_CONTEXT"))).build();
    }

    @Override
    protected String image(int n) {
        String repo = System.getenv().getOrDefault("DR4J_IT_IMAGE", "registry.k8s.io/pause");
        return repo + ":" + switch (n) {
            case 1 -> "3.8";
            case 2 -> "3.9";
            default -> "3.10";
        };
    }

    @Override
    protected String badImage() {
        return "registry.invalid/dr4j/does-not-exist:1";
    }

    @Override
    protected Duration rolloutTimeout() {
        return Duration.ofSeconds(90);
    }

    @Override
    protected Duration pollInterval() {
        return Duration.ofMillis(500);
    }
}
