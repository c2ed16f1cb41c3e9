package io.dr4j.core.plan;

import java.time.Instant;
import java.util.Objects;

/**
 * A person's (or a policy's) answer at an approval point.
 *
 * @param approved whether to go on
 * @param by       who decided, e.g. a user name or {@code "policy:auto-approve"}
 * @param reason   why (shown in the timeline and the report)
 * @param at       when
 */
public record ApprovalDecision(boolean approved, String by, String reason, Instant at) {
    public ApprovalDecision {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }

    public static ApprovalDecision approve(String by, String reason) {
        return new ApprovalDecision(true, by, reason, Instant.now());
    }

    public static ApprovalDecision refuse(String by, String reason) {
        return new ApprovalDecision(false, by, reason, Instant.now());
    }
}
