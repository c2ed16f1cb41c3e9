package io.dr4j.deploy.k8s;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * UP when at least the desired number of the workload's pods (selected by its label selector, terminating pods
 * excluded) have the condition {@code Ready=True}; DEGRADED when some are; DOWN when none are or the workload is
 * missing. Never throws.
 */
public final class PodsReadyHealthCheck implements HealthCheck {
    private final KubeApi api;
    private final WorkloadRef ref;

    public PodsReadyHealthCheck(KubernetesClient client, WorkloadRef ref) {
        this.api = new KubeApi(Objects.requireNonNull(client, "client"));
        this.ref = Objects.requireNonNull(ref, "ref");
    }

    @Override
    public String name() {
        return "k8s-pods-ready:" + ref.namespace() + "/" + ref.name();
    }

    @Override
    public HealthResult check() {
        long start = System.nanoTime();
        try {
            Workload w = Workload.load(api, ref);
            LabelSelector selector;
            int desired;
            if (w.object() instanceof Deployment d) {
                selector = d.getSpec().getSelector();
                desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            } else {
                StatefulSet s = (StatefulSet) w.object();
                selector = s.getSpec().getSelector();
                desired = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
            }
            List<Pod> pods = api.call("list", "pods", ref.namespace(),
                    () -> api.client().pods().inNamespace(ref.namespace()).withLabelSelector(selector).list().getItems());
            long ready = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .filter(PodsReadyHealthCheck::isReady).count();
            HealthStatus status = ready >= desired ? HealthStatus.UP : ready > 0 ? HealthStatus.DEGRADED
                    : HealthStatus.DOWN;
            String msg = ready + " of " + desired + " pods of " + w.kindText() + " " + w.ref() + " are ready";
            return new HealthResult(name(), status, msg, Map.of("ready", ready, "desired", desired, "pods", pods.size()),
                    DeploymentAvailableHealthCheck.since(start), Instant.now());
        } catch (RuntimeException e) {
            return HealthResult.down(name(), e.getMessage() == null ? e.toString() : e.getMessage(),
                    DeploymentAvailableHealthCheck.since(start));
        }
    }

    private static boolean isReady(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
