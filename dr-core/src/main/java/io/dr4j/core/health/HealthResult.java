package io.dr4j.core.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one health check.
 *
 * @param name    the check's name
 * @param status  UP, DEGRADED or DOWN
 * @param message one human sentence, e.g. "newest backup is 26 h old (limit 24 h)"
 * @param details machine-readable facts (values must not be secrets)
 * @param latency how long the check took
 * @param checkedAt when it ran
 */
public record HealthResult(String name, HealthStatus status, String message, Map<String, Object> details,
                           Duration latency, Instant checkedAt) {
    public HealthResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
        details = Map.copyOf(details);
    }

    public static HealthResult up(String name, String message, Duration latency) {
        return new HealthResult(name, HealthStatus.UP, message, Map.of(), latency, Instant.now());
    }

    public static HealthResult down(String name, String message, Duration latency) {
        return new HealthResult(name, HealthStatus.DOWN, message, Map.of(), latency, Instant.now());
    }

    public HealthResult withDetails(Map<String, Object> more) {
        return new HealthResult(name, status, message, more, latency, checkedAt);
    }

    public boolean isUp() {
        return status == HealthStatus.UP;
    }
}
