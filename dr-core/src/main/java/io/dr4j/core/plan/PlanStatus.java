package io.dr4j.core.plan;

/** How a run ended (or that it is still running). */
public enum PlanStatus {
    RUNNING,
    /** Every step succeeded. */
    SUCCEEDED,
    /** A step failed, timed out or was refused; the steps after it were skipped. */
    FAILED,
    /** A step failed and the completed steps with a compensation were undone. */
    COMPENSATED,
    /** Cancelled by a person or a caller. */
    CANCELLED
}
