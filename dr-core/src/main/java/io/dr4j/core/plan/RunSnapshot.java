package io.dr4j.core.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The state of a run at one moment.
 *
 * @param runId      the run
 * @param plan       the plan
 * @param status     RUNNING until it ended
 * @param incidentAt when the disaster happened
 * @param declaredAt when the incident was declared
 * @param startedAt  when the run started
 * @param takenAt    when this snapshot was taken
 * @param steps      every step's result so far, in plan order
 * @param lastProgress the last progress message of each running step
 * @param timeline   the timeline so far
 */
public record RunSnapshot(String runId, RecoveryPlan plan, PlanStatus status, Instant incidentAt, Instant declaredAt,
                          Instant startedAt, Instant takenAt, List<StepResult> steps, Map<String, String> lastProgress,
                          List<TimelineEvent> timeline) {
    public RunSnapshot {
        Objects.requireNonNull(runId, "runId");
        steps = List.copyOf(steps);
        lastProgress = Map.copyOf(lastProgress);
        timeline = List.copyOf(timeline);
    }

    public Optional<StepResult> step(String stepId) {
        return steps.stream().filter(s -> s.stepId().equals(stepId)).findFirst();
    }

    public List<StepResult> withStatus(StepStatus s) {
        return steps.stream().filter(r -> r.status() == s).toList();
    }

    /** Time since the incident was declared (the RTO clock). */
    public Duration sinceDeclared() {
        return Duration.between(declaredAt, takenAt);
    }

    /** Steps done out of all. */
    public long stepsDone() {
        return steps.stream().filter(r -> r.status().isTerminal()).count();
    }

    /**
     * One line for a status page or an incident channel, e.g. "Database corruption: 3 of 7 steps done; running:
     * Restore the database (restoring backup b1); 12 min since the incident was declared".
     */
    public String statusLine() {
        StringBuilder b = new StringBuilder(plan.title()).append(": ");
        if (status != PlanStatus.RUNNING) {
            b.append(status.name().toLowerCase(java.util.Locale.ROOT)).append(", ");
        }
        b.append(stepsDone()).append(" of ").append(steps.size()).append(" steps done");
        List<String> running = steps.stream().filter(s -> s.status() == StepStatus.RUNNING).map(s -> {
            String title = plan.step(s.stepId()).map(Step::title).orElse(s.stepId());
            String p = lastProgress.get(s.stepId());
            return p == null ? title : title + " (" + p + ")";
        }).toList();
        if (!running.isEmpty()) {
            b.append("; running: ").append(String.join(", ", running));
        }
        List<String> failed = steps.stream().filter(s -> s.status().isFailure()).map(StepResult::stepId).toList();
        if (!failed.isEmpty()) {
            b.append("; failed: ").append(String.join(", ", failed));
        }
        return b.append("; ").append(RecoveryPlan.human(sinceDeclared().isNegative() ? Duration.ZERO : sinceDeclared()))
                .append(" since the incident was declared").toString();
    }

    public @Nullable TimelineEvent lastEvent() {
        return timeline.isEmpty() ? null : timeline.get(timeline.size() - 1);
    }
}
