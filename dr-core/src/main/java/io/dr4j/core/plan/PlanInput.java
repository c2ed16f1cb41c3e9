package io.dr4j.core.plan;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An input a plan needs when it runs (e.g. the service name, the time the corruption happened).
 *
 * @param name         the key, e.g. {@code recoveryTargetTime}
 * @param description  what to pass, for the runbook and error messages
 * @param defaultValue used when the run does not pass one; null means the input is required
 */
public record PlanInput(String name, String description, @Nullable String defaultValue) {
    public PlanInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
    }

    public boolean required() {
        return defaultValue == null;
    }
}
