package io.dr4j.core.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a run: never thrown, always returned, listing every step.
 *
 * @param runId             the run
 * @param planId            the plan
 * @param status            how it ended
 * @param inputs            the inputs it ran with
 * @param incidentAt        when the disaster happened
 * @param declaredAt        when the incident was declared (RTO start)
 * @param startedAt         when the run started (the first start when resumed)
 * @param finishedAt        when it ended
 * @param verifiedHealthyAt when the last verification step succeeded (RTO end), null if never
 * @param recoveredTo       the oldest recovered-to point reported by the steps (RPO basis), null if none
 * @param steps             every step, in plan order
 * @param timeline          what happened, in order
 * @param verdicts          RTO/RPO against objectives
 */
public record PlanResult(String runId, String planId, PlanStatus status, Map<String, String> inputs,
                         Instant incidentAt, Instant declaredAt, Instant startedAt, Instant finishedAt,
                         @Nullable Instant verifiedHealthyAt, @Nullable Instant recoveredTo, List<StepResult> steps,
                         List<TimelineEvent> timeline, List<ObjectiveVerdict> verdicts) {
    public PlanResult {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(status, "status");
        inputs = Map.copyOf(inputs);
        steps = List.copyOf(steps);
        timeline = List.copyOf(timeline);
        verdicts = List.copyOf(verdicts);
    }

    public boolean succeeded() {
        return status == PlanStatus.SUCCEEDED;
    }

    public Optional<StepResult> step(String stepId) {
        return steps.stream().filter(s -> s.stepId().equals(stepId)).findFirst();
    }

    /** The result of {@code stepId}, or an error naming the plan's steps. */
    public StepResult stepResult(String stepId) {
        return step(stepId).orElseThrow(() -> new IllegalArgumentException("Plan " + planId + " has no step '"
                + stepId + "'"));
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** The first step that failed, timed out, was refused or cancelled. */
    public Optional<StepResult> firstFailure() {
        return steps.stream().filter(s -> s.status().isFailure() && s.finishedAt() != null)
                .min(java.util.Comparator.comparing(StepResult::finishedAt));
    }

    public List<ObjectiveVerdict> verdicts(ObjectiveVerdict.Kind kind) {
        return verdicts.stream().filter(v -> v.kind() == kind).toList();
    }
}
