package io.dr4j.core.health;

import java.time.Duration;
import java.util.Objects;

/**
 * A base for health checks configured fluently: it holds the {@link #name() name} (set with {@link #named}) and the
 * {@link #timeout() timeout} (set with {@link #timeout(Duration)}); the setters return the concrete check, so
 * {@code HealthChecks.forTcp("db", 5432).named("database").timeout(Duration.ofSeconds(2))} stays a
 * {@link TcpHealthCheck}. A subclass implements {@link #check()}; it should answer within {@link #timeout()}.
 *
 * @param <C> the concrete check
 */
public abstract class AbstractHealthCheck<C extends AbstractHealthCheck<C>> implements HealthCheck {
    private String name;
    private Duration timeout;

    /**
     * @param defaultName    the name until {@link #named} sets another, e.g. {@code tcp:host:port}
     * @param defaultTimeout the timeout until {@link #timeout(Duration)} sets another
     */
    protected AbstractHealthCheck(String defaultName, Duration defaultTimeout) {
        this.name = Objects.requireNonNull(defaultName, "defaultName");
        this.timeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    }

    /** Names the check in results, logs and the health report. */
    public final C named(String n) {
        this.name = Objects.requireNonNull(n, "name");
        return self();
    }

    /** How long one {@link #check()} may take. */
    public final C timeout(Duration t) {
        this.timeout = Objects.requireNonNull(t, "timeout");
        return self();
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }

    /** The latency of a check begun at {@code startNanos} ({@link System#nanoTime()}), for its result. */
    protected static Duration elapsedSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @SuppressWarnings("unchecked")
    private C self() {
        return (C) this;
    }
}
