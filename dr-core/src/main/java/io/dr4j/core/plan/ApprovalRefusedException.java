package io.dr4j.core.plan;

/** An approval point was refused (or could not be asked in a non-interactive run); never retried. */
public class ApprovalRefusedException extends PlanException {
    private static final long serialVersionUID = 1L;
    private final ApprovalDecision decision;

    public ApprovalRefusedException(String message, ApprovalDecision decision) {
        super(message);
        this.decision = decision;
    }

    public ApprovalDecision decision() {
        return decision;
    }
}
