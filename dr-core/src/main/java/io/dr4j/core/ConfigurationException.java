package io.dr4j.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Configuration is invalid. Lists every problem found at once, one per line; never echoes a secret value.
 */
public class ConfigurationException extends DrException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigurationException(String message) {
        this(List.of(message), null);
    }

    public ConfigurationException(String message, @Nullable Throwable cause) {
        this(List.of(message), cause);
    }

    public ConfigurationException(List<String> problems, @Nullable Throwable cause) {
        super(problems.size() == 1 ? problems.get(0)
                : "Invalid configuration:\n  - " + String.join("\n  - ", problems), cause);
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, one sentence each. */
    public List<String> problems() {
        return problems;
    }
}
