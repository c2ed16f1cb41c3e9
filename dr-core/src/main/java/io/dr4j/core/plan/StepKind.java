package io.dr4j.core.plan;

/** What a step is for; the runbook and the objectives treat them differently. */
public enum StepKind {
    /** Changes something (stop, restore, deploy, switch traffic). */
    ACTION,
    /** Waits for a person's decision through the {@link Approver}. */
    APPROVAL,
    /** Checks health; the last successful one marks the service "verified healthy" (the end of the RTO). */
    VERIFICATION,
    /** Watches health for a while after recovery; does not move the end of the RTO. */
    MONITOR
}
