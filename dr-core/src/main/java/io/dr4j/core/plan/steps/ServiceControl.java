package io.dr4j.core.plan.steps;

/**
 * Stops and starts the application services around a database recovery (Docker containers, systemd units,
 * Kubernetes scale to zero). Implementations block until the service really stopped or started and throw a
 * {@link io.dr4j.core.DrException} naming the service when they cannot.
 */
public interface ServiceControl {

    /** A short name, e.g. {@code "docker"}. */
    String name();

    /** Stops {@code service}; stopping a stopped service succeeds. */
    void stop(String service) throws Exception;

    /** Starts {@code service}; starting a running service succeeds. */
    void start(String service) throws Exception;
}
