package io.dr4j.core.plan;

import java.util.Map;
import java.util.Objects;

/**
 * A question to a person at an approval point.
 *
 * @param runId    the run
 * @param planId   the plan
 * @param stepId   the approval step
 * @param question what to decide, e.g. "Security review done: return the system to service?"
 * @param details  facts to decide on (outputs of earlier steps; never secrets)
 */
public record ApprovalRequest(String runId, String planId, String stepId, String question, Map<String, String> details) {
    public ApprovalRequest {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(question, "question");
        details = Map.copyOf(details);
    }
}
