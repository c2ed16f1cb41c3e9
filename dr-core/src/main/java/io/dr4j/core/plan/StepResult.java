package io.dr4j.core.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How one step went.
 *
 * @param stepId     the step
 * @param status     the outcome
 * @param startedAt  when its first attempt started, null when it never ran
 * @param finishedAt when it ended, null when it never ran
 * @param attempts   attempts made
 * @param message    one sentence: the output message or the reason it failed
 * @param output     what it produced when it succeeded
 * @param error      the failure's exception type and message, when it failed
 */
public record StepResult(String stepId, StepStatus status, @Nullable Instant startedAt, @Nullable Instant finishedAt,
                         int attempts, String message, @Nullable StepOutput output, @Nullable String error) {
    public StepResult {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
    }

    public static StepResult pending(String stepId) {
        return new StepResult(stepId, StepStatus.PENDING, null, null, 0, "not started", null, null);
    }

    /** How long it ran, zero when it never ran. */
    public Duration duration() {
        return startedAt == null || finishedAt == null ? Duration.ZERO : Duration.between(startedAt, finishedAt);
    }

    StepResult withStatus(StepStatus s, String msg) {
        return new StepResult(stepId, s, startedAt, finishedAt, attempts, msg, output, error);
    }
}
