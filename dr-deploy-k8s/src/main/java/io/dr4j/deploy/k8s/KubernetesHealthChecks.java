package io.dr4j.deploy.k8s;

import io.dr4j.core.health.HealthCheck;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Static factories for the Kubernetes health checks, for use without a {@link KubernetesDeployer} (for example in a
 * recovery plan's verification step). Service names are parsed like the deployer's: {@code namespace/name},
 * {@code statefulset/name}, ...; names without a namespace use the client's namespace, else {@code default}.
 */
public final class KubernetesHealthChecks {
    private KubernetesHealthChecks() {
    }

    /** UP when the workload's rollout is complete and all its replicas are available. */
    public static HealthCheck deploymentAvailable(KubernetesClient client, String service) {
        return new DeploymentAvailableHealthCheck(client, WorkloadRef.parse(service, namespaceOf(client)));
    }

    /** UP when the desired number of the workload's pods are Ready. */
    public static HealthCheck podsReady(KubernetesClient client, String service) {
        return new PodsReadyHealthCheck(client, WorkloadRef.parse(service, namespaceOf(client)));
    }

    private static String namespaceOf(KubernetesClient client) {
        String ns = client.getNamespace();
        return ns == null || ns.isBlank() ? "default" : ns;
    }
}
