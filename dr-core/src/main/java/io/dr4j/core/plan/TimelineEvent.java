package io.dr4j.core.plan;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One line of a run's timeline.
 *
 * @param at      when
 * @param type    what happened
 * @param stepId  the step, null for plan-level events
 * @param message one human sentence
 */
public record TimelineEvent(Instant at, Type type, @Nullable String stepId, String message) {
    public enum Type {
        INCIDENT, DECLARED, PLAN_STARTED, PLAN_RESUMED, STEP_STARTED, STEP_PROGRESS, STEP_RETRY, STEP_SUCCEEDED,
        STEP_FAILED, STEP_TIMED_OUT, STEP_REFUSED, STEP_CANCELLED, STEP_SKIPPED, APPROVAL_REQUESTED, APPROVED,
        COMPENSATING, COMPENSATED, COMPENSATION_FAILED, CANCEL_REQUESTED, PLAN_FINISHED
    }

    public TimelineEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }
}
