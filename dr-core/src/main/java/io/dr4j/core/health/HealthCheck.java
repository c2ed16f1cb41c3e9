package io.dr4j.core.health;

import java.time.Duration;

/**
 * Answers whether something is healthy: UP, DEGRADED or DOWN, with details and latency. Examples: HTTP, TCP, disk
 * space, PostgreSQL, a container, a Kubernetes deployment, backup freshness.
 *
 * <p>{@link #check()} never throws for an unhealthy target: it returns DOWN with the reason. It should honour
 * {@link #timeout()} itself; runners also enforce it.
 */
public interface HealthCheck {

    /** A short stable name, e.g. {@code "http:api"}. */
    String name();

    HealthResult check();

    /** How long a check may take before it counts as DOWN. */
    default Duration timeout() {
        return Duration.ofSeconds(10);
    }
}
