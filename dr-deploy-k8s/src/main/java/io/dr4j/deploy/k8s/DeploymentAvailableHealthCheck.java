package io.dr4j.deploy.k8s;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * UP when a Deployment (or StatefulSet) has finished its rollout and all replicas are available (the
 * {@code kubectl rollout status} rules); DEGRADED while some but not all replicas are available; DOWN otherwise,
 * including a rollout past its progress deadline or a missing workload. Never throws.
 */
public final class DeploymentAvailableHealthCheck implements HealthCheck {
    private final KubeApi api;
    private final WorkloadRef ref;

    public DeploymentAvailableHealthCheck(KubernetesClient client, WorkloadRef ref) {
        this.api = new KubeApi(Objects.requireNonNull(client, "client"));
        this.ref = Objects.requireNonNull(ref, "ref");
    }

    @Override
    public String name() {
        return "k8s-available:" + ref.namespace() + "/" + ref.name();
    }

    @Override
    public HealthResult check() {
        long start = System.nanoTime();
        try {
            Workload w = Workload.load(api, ref);
            Workload.RolloutState s = w.rolloutState();
            var ready = readiness(w);
            HealthStatus status = switch (s.state()) {
                case DONE -> HealthStatus.UP;
                case FAILED -> HealthStatus.DOWN;
                case PROGRESSING -> ready[0] > 0 ? HealthStatus.DEGRADED : HealthStatus.DOWN;
            };
            return new HealthResult(name(), status, s.message(), Map.of("available", ready[0], "desired", ready[1]),
                    since(start), java.time.Instant.now());
        } catch (RuntimeException e) {
            return HealthResult.down(name(), e.getMessage() == null ? e.toString() : e.getMessage(), since(start));
        }
    }

    private static int[] readiness(Workload w) {
        if (w.object() instanceof io.fabric8.kubernetes.api.model.apps.Deployment d) {
            int avail = d.getStatus() == null || d.getStatus().getAvailableReplicas() == null ? 0
                    : d.getStatus().getAvailableReplicas();
            return new int[] {avail, d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas()};
        }
        var s = (io.fabric8.kubernetes.api.model.apps.StatefulSet) w.object();
        int ready = s.getStatus() == null || s.getStatus().getReadyReplicas() == null ? 0
                : s.getStatus().getReadyReplicas();
        return new int[] {ready, s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas()};
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
