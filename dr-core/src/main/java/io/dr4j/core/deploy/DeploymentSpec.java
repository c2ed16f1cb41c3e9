package io.dr4j.core.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.health.HealthCheck;

import org.jspecify.annotations.Nullable;

/**
 * What to deploy.
 *
 * @param service      the service: a container name or Compose service for Docker, {@code namespace/deployment} or
 *                     a deployment name for Kubernetes
 * @param image        the new image, e.g. {@code registry/app:1.4.2}
 * @param container    the container within the pod (Kubernetes); null means the only or first one
 * @param changeCause  why, recorded in the history
 * @param healthGate   extra checks that must be UP before the deployment counts as healthy (besides the platform's
 *                     own readiness / HEALTHCHECK)
 * @param deadline     how long the new version may take to become healthy before it is rolled back
 * @param autoRollback roll back automatically when the deadline passes unhealthy
 * @param options      implementation options
 */
public record DeploymentSpec(String service, String image, @Nullable String container, @Nullable String changeCause,
                             List<HealthCheck> healthGate, Duration deadline, boolean autoRollback,
                             Map<String, String> options) {
    public DeploymentSpec {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(image, "image");
        healthGate = List.copyOf(healthGate);
        Objects.requireNonNull(deadline, "deadline");
        options = Map.copyOf(options);
    }

    public static DeploymentSpec of(String service, String image) {
        return new DeploymentSpec(service, image, null, null, List.of(), Duration.ofMinutes(5), true, Map.of());
    }

    public DeploymentSpec withDeadline(Duration d) {
        return new DeploymentSpec(service, image, container, changeCause, healthGate, d, autoRollback, options);
    }

    public DeploymentSpec withHealthGate(List<HealthCheck> checks) {
        return new DeploymentSpec(service, image, container, changeCause, checks, deadline, autoRollback, options);
    }

    public DeploymentSpec withChangeCause(@Nullable String cause) {
        return new DeploymentSpec(service, image, container, cause, healthGate, deadline, autoRollback, options);
    }

    public DeploymentSpec withContainer(@Nullable String c) {
        return new DeploymentSpec(service, image, c, changeCause, healthGate, deadline, autoRollback, options);
    }

    public DeploymentSpec withAutoRollback(boolean b) {
        return new DeploymentSpec(service, image, container, changeCause, healthGate, deadline, b, options);
    }
}
