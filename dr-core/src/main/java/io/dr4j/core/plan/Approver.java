package io.dr4j.core.plan;

/**
 * Decides approval points. Interactive implementations ask a person (the CLI prompts, see
 * {@link Approvers#console}); non-interactive runs either refuse ({@link Approvers#refuseAll}, the default: the plan
 * stops at the first approval point) or approve by policy ({@link Approvers#autoApprove}). May block for as long as
 * the step's timeout allows; must return when interrupted.
 */
@FunctionalInterface
public interface Approver {
    ApprovalDecision decide(ApprovalRequest request) throws InterruptedException;
}
