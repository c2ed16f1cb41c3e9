package io.dr4j.core.plan;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** A recovery plan could not be run, resumed or reported. */
public class PlanException extends DrException {
    private static final long serialVersionUID = 1L;

    public PlanException(String message) {
        super(message);
    }

    public PlanException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
