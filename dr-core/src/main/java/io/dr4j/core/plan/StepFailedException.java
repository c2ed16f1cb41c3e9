package io.dr4j.core.plan;

import org.jspecify.annotations.Nullable;

/** A step reports failure. A {@link #permanent} failure is not retried. */
public class StepFailedException extends PlanException {
    private static final long serialVersionUID = 1L;
    private final boolean permanent;

    public StepFailedException(String message) {
        this(message, false, null);
    }

    public StepFailedException(String message, boolean permanent, @Nullable Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    /** A failure that another attempt cannot fix (wrong input, nothing to roll back to). */
    public static StepFailedException permanent(String message) {
        return new StepFailedException(message, true, null);
    }

    public boolean isPermanent() {
        return permanent;
    }
}
