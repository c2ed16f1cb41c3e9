package io.dr4j.deploy.docker;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.HealthStateLog;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;

import io.dr4j.core.deploy.DeploymentException;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;

/**
 * Whether a container runs and, when it has a HEALTHCHECK, whether Docker reports it healthy: UP when running and
 * healthy (or running without HEALTHCHECK), DEGRADED while its health is {@code starting}, DOWN when unhealthy,
 * restarting, exited or missing. The message carries the last output of a failing health probe.
 *
 * <p>Get one for a service from {@link DockerDeployer#healthCheck(String)} (follows the service's current
 * container across deployments) or for a fixed container from {@link #forContainer(DockerClient, String)}.
 */
public final class ContainerHealthCheck implements HealthCheck {
    private final String name;
    private final DockerClient docker;
    private final Supplier<String> containerRef;

    ContainerHealthCheck(String name, DockerClient docker, Supplier<String> containerRef) {
        this.name = name;
        this.docker = docker;
        this.containerRef = containerRef;
    }

    /** A check of one container, by name or id. */
    public static ContainerHealthCheck forContainer(DockerClient docker, String container) {
        Objects.requireNonNull(docker, "docker");
        Objects.requireNonNull(container, "container");
        return new ContainerHealthCheck("container:" + container, docker, () -> container);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public HealthResult check() {
        long t0 = System.nanoTime();
        String ref;
        InspectContainerResponse c;
        try {
            ref = containerRef.get();
            c = docker.inspectContainerCmd(ref).exec();
        } catch (NotFoundException e) {
            return result(HealthStatus.DOWN, "container not found", Map.of(), t0);
        } catch (DeploymentException e) {
            return result(HealthStatus.DOWN, e.getMessage(), Map.of(), t0);
        } catch (RuntimeException e) {
            return result(HealthStatus.DOWN, "cannot inspect the container: " + e.getMessage(), Map.of(), t0);
        }
        return evaluate(c, t0);
    }

    HealthResult evaluate(InspectContainerResponse c, long t0) {
        InspectContainerResponse.ContainerState s = c.getState();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("container", c.getName() == null ? c.getId() : c.getName().replaceFirst("^/", ""));
        details.put("status", String.valueOf(s.getStatus()));
        if (Boolean.TRUE.equals(s.getRestarting())) {
            return result(HealthStatus.DOWN, "container is restarting (restart count " + c.getRestartCount() + ", "
                    + "last exit code " + s.getExitCodeLong() + ")", details, t0);
        }
        if (!Boolean.TRUE.equals(s.getRunning())) {
            String err = s.getError() == null || s.getError().isEmpty() ? "" : ": " + s.getError();
            return result(HealthStatus.DOWN, "container is " + s.getStatus() + " (exit code " + s.getExitCodeLong()
                    + ")" + err, details, t0);
        }
        HealthState h = s.getHealth();
        if (h == null || h.getStatus() == null || h.getStatus().equals("none")) {
            return result(HealthStatus.UP, "container is running (no HEALTHCHECK)", details, t0);
        }
        details.put("health", h.getStatus());
        details.put("failingStreak", h.getFailingStreak() == null ? 0 : h.getFailingStreak());
        return switch (h.getStatus()) {
            case "healthy" -> result(HealthStatus.UP, "container is running and healthy", details, t0);
            case "starting" -> result(HealthStatus.DEGRADED, "container health is starting", details, t0);
            default -> result(HealthStatus.DOWN, "container is " + h.getStatus() + lastProbe(h), details, t0);
        };
    }

    static String lastProbe(HealthState h) {
        List<HealthStateLog> log = h.getLog();
        if (log == null || log.isEmpty()) {
            return "";
        }
        HealthStateLog last = log.get(log.size() - 1);
        String out = last.getOutput() == null ? "" : last.getOutput().strip();
        if (out.length() > 200) {
            out = out.substring(0, 200) + "...";
        }
        return "; last health probe exited " + last.getExitCodeLong() + (out.isEmpty() ? "" : ": " + out);
    }

    private HealthResult result(HealthStatus status, String message, Map<String, Object> details, long t0) {
        return new HealthResult(name, status, message, details, Duration.ofNanos(System.nanoTime() - t0),
                Instant.now());
    }

    @Override
    public String toString() {
        return "ContainerHealthCheck[" + name + "]";
    }
}
