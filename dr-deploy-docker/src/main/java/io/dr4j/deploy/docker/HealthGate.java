package io.dr4j.deploy.docker;

import java.time.Duration;
import java.util.List;

import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.InspectContainerResponse;

import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;

/**
 * Waits until a freshly started container counts as healthy: running, its HEALTHCHECK (if any) {@code healthy},
 * and every check of the gate UP; a container without HEALTHCHECK and gate must stay up for {@code minReady}.
 * Gives up at once when the container exits, restarts or Docker marks it {@code unhealthy} (Docker has already
 * applied the HEALTHCHECK's retries), and at the deadline otherwise.
 */
final class HealthGate {
    /** The verdict and, when unhealthy, why. */
    record Verdict(boolean healthy, String reason) {
    }

    private final DockerEngine engine;
    private final Duration pollInterval;
    private final Duration minReady;

    HealthGate(DockerEngine engine, Duration pollInterval, Duration minReady) {
        this.engine = engine;
        this.pollInterval = pollInterval;
        this.minReady = minReady;
    }

    Verdict await(String containerId, String name, List<HealthCheck> gate, Duration deadline) {
        ContainerHealthCheck container = new ContainerHealthCheck("container:" + name, engine.client(),
                () -> containerId);
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        long runningSince = -1;
        String last = "not checked yet";
        while (true) {
            long now = System.nanoTime();
            InspectContainerResponse c = engine.call("inspect container " + name,
                    () -> engine.client().inspectContainerCmd(containerId).exec());
            HealthResult r = container.evaluate(c, now);
            HealthState h = c.getState().getHealth();
            boolean hasHealthcheck = h != null && h.getStatus() != null && !h.getStatus().equals("none");
            if (r.status() == HealthStatus.DOWN) {
                return new Verdict(false, r.message());
            }
            if (runningSince < 0) {
                runningSince = now;
            }
            boolean containerReady = r.isUp()
                    && (hasHealthcheck || !gate.isEmpty() || now - runningSince >= minReady.toNanos());
            if (containerReady) {
                String failing = firstFailing(gate);
                if (failing == null) {
                    return new Verdict(true, r.message());
                }
                last = failing;
            } else {
                last = r.message();
            }
            if (System.nanoTime() >= end) {
                return new Verdict(false, "not healthy within " + DockerDeployer.human(deadline) + ": " + last);
            }
            sleep(Math.min(pollInterval.toNanos(), Math.max(0, end - System.nanoTime())));
        }
    }

    private static @org.jspecify.annotations.Nullable String firstFailing(List<HealthCheck> gate) {
        for (HealthCheck check : gate) {
            HealthResult r;
            try {
                r = check.check();
            } catch (RuntimeException e) {
                return check.name() + " threw " + e;
            }
            if (!r.isUp()) {
                return check.name() + " is " + r.status() + ": " + r.message();
            }
        }
        return null;
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Math.max(1, nanos / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for health", e);
        }
    }
}
