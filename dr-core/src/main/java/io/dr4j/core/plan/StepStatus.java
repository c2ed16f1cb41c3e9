package io.dr4j.core.plan;

/** The state of one step in a run. */
public enum StepStatus {
    /** Not started yet. */
    PENDING,
    /** Running (or waiting for the next retry). */
    RUNNING,
    SUCCEEDED,
    /** Failed after its last attempt. */
    FAILED,
    /** Ran longer than its timeout and was interrupted. */
    TIMED_OUT,
    /** An approval was refused. */
    REFUSED,
    /** The run was cancelled while it ran. */
    CANCELLED,
    /** Never ran because the plan stopped before it (an earlier failure, a cancel). */
    SKIPPED,
    /** Succeeded, then undone by its compensation after a later failure. */
    COMPENSATED,
    /** Succeeded, but its compensation failed: needs a person. */
    COMPENSATION_FAILED;

    /** Whether the step ended in a way that stops the plan. */
    public boolean isFailure() {
        return this == FAILED || this == TIMED_OUT || this == REFUSED || this == CANCELLED;
    }

    public boolean isTerminal() {
        return this != PENDING && this != RUNNING;
    }
}
