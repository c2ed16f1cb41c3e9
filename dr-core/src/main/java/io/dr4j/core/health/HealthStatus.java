package io.dr4j.core.health;

/** The answer of a health check, ordered from best to worst. */
public enum HealthStatus {
    UP, DEGRADED, DOWN;

    /** The worse of two statuses. */
    public HealthStatus worst(HealthStatus other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
