package io.dr4j.core.plan;

/** Thrown inside a step by {@link StepContext#checkCancelled()} when the run was cancelled. */
public class PlanCancelledException extends PlanException {
    private static final long serialVersionUID = 1L;

    public PlanCancelledException(String message) {
        super(message);
    }
}
