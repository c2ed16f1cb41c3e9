package io.dr4j.core.plan.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.dr4j.core.internal.json.Json;
import io.dr4j.core.plan.ObjectiveVerdict;
import io.dr4j.core.plan.PlanException;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.Step;
import io.dr4j.core.plan.StepResult;
import io.dr4j.core.plan.StepStatus;
import io.dr4j.core.plan.TimelineEvent;

import org.jspecify.annotations.Nullable;

/**
 * The report of a run, as JSON with a stable schema ({@value #SCHEMA} version {@value #SCHEMA_VERSION}: fields are
 * only ever added, in a new version) and as Markdown. Every field is always present (null when unknown).
 *
 * @param schema            always {@value #SCHEMA}
 * @param schemaVersion     {@value #SCHEMA_VERSION}
 * @param runId             the run
 * @param planId            the plan
 * @param planTitle         the plan's title
 * @param status            how the run ended
 * @param drill             whether it was a drill
 * @param incidentAt        when the disaster happened
 * @param declaredAt        when the incident was declared
 * @param startedAt         when the run started
 * @param finishedAt        when it ended
 * @param verifiedHealthyAt when the service was verified healthy
 * @param recoveredTo       the point in time the data was recovered to
 * @param durationSeconds   run duration
 * @param objectives        RTO/RPO verdicts
 * @param steps             every step's result
 * @param timeline          the timeline
 * @param postMortem        the post-mortem skeleton
 * @param environment       facts about where it ran (drills: the test environment), never secrets
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"schema", "schemaVersion", "runId", "planId", "planTitle", "status", "drill", "incidentAt",
        "declaredAt", "startedAt", "finishedAt", "verifiedHealthyAt", "recoveredTo", "durationSeconds", "objectives",
        "steps", "timeline", "postMortem", "environment"})
public record RecoveryReport(String schema, int schemaVersion, String runId, String planId, String planTitle,
                             String status, boolean drill, Instant incidentAt, Instant declaredAt, Instant startedAt,
                             Instant finishedAt, @Nullable Instant verifiedHealthyAt, @Nullable Instant recoveredTo,
                             double durationSeconds, List<Objective> objectives, List<StepEntry> steps,
                             List<Event> timeline, PostMortemSection postMortem, Map<String, String> environment) {
    public static final String SCHEMA = "dr4j-recovery-report";
    public static final int SCHEMA_VERSION = 1;

    /** One RTO or RPO verdict; durations in seconds. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"kind", "component", "objectiveSeconds", "achievedSeconds", "verdict", "basis"})
    public record Objective(String kind, String component, @Nullable Double objectiveSeconds,
                            @Nullable Double achievedSeconds, String verdict, String basis) {
    }

    /** One step's outcome. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"id", "title", "kind", "status", "startedAt", "finishedAt", "durationSeconds", "attempts",
            "message", "outputs", "recoveredTo", "error"})
    public record StepEntry(String id, String title, String kind, String status, @Nullable Instant startedAt,
                            @Nullable Instant finishedAt, double durationSeconds, int attempts, String message,
                            Map<String, String> outputs, @Nullable Instant recoveredTo, @Nullable String error) {
    }

    /** One timeline line. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"at", "type", "stepId", "message"})
    public record Event(Instant at, String type, @Nullable String stepId, String message) {
    }

    /** The DR plan's post-mortem: timeline, root cause, impact, actions taken, lessons learned, action items. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"timeline", "rootCause", "impact", "actionsTaken", "lessonsLearned", "actionItems"})
    public record PostMortemSection(List<String> timeline, @Nullable String rootCause, @Nullable String impact,
                                    List<String> actionsTaken, List<String> lessonsLearned, List<String> actionItems) {
    }

    /** Builds the report of {@code result}. */
    public static RecoveryReport of(RecoveryPlan plan, PlanResult result, PostMortem postMortem, boolean drill,
                                    Map<String, String> environment) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(result, "result");
        List<Objective> objectives = new ArrayList<>();
        for (ObjectiveVerdict v : result.verdicts()) {
            objectives.add(new Objective(v.kind().name(), v.component().name(), seconds(v.objective()),
                    seconds(v.achieved()), v.verdict().name(), v.basis()));
        }
        List<StepEntry> steps = new ArrayList<>();
        for (StepResult r : result.steps()) {
            Step s = plan.step(r.stepId()).orElse(null);
            steps.add(new StepEntry(r.stepId(), s == null ? r.stepId() : s.title(),
                    s == null ? "ACTION" : s.kind().name(), r.status().name(), r.startedAt(), r.finishedAt(),
                    r.duration().toMillis() / 1000.0, r.attempts(), r.message(),
                    r.output() == null ? Map.of() : new LinkedHashMap<>(r.output().values()),
                    r.output() == null ? null : r.output().recoveredTo(), r.error()));
        }
        List<Event> timeline = result.timeline().stream()
                .map(e -> new Event(e.at(), e.type().name(), e.stepId(), e.message())).toList();
        return new RecoveryReport(SCHEMA, SCHEMA_VERSION, result.runId(), result.planId(), plan.title(),
                result.status().name(), drill, result.incidentAt(), result.declaredAt(), result.startedAt(),
                result.finishedAt(), result.verifiedHealthyAt(), result.recoveredTo(),
                result.duration().toMillis() / 1000.0, objectives, steps, timeline,
                postMortem(plan, result, postMortem), Map.copyOf(environment));
    }

    public static RecoveryReport of(RecoveryPlan plan, PlanResult result) {
        return of(plan, result, PostMortem.empty(), false, Map.of());
    }

    private static PostMortemSection postMortem(RecoveryPlan plan, PlanResult r, PostMortem pm) {
        List<String> timeline = new ArrayList<>();
        if (r.incidentAt().isBefore(r.declaredAt())) {
            timeline.add(r.incidentAt() + " incident happened");
        }
        timeline.add(r.declaredAt() + " incident declared");
        timeline.add(r.startedAt() + " recovery plan '" + plan.id() + "' started (run " + r.runId() + ")");
        if (r.recoveredTo() != null) {
            timeline.add("data recovered to " + r.recoveredTo());
        }
        if (r.verifiedHealthyAt() != null) {
            timeline.add(r.verifiedHealthyAt() + " service verified healthy");
        }
        timeline.add(r.finishedAt() + " recovery plan ended " + r.status());
        List<String> actions = new ArrayList<>();
        for (StepResult s : r.steps()) {
            if (s.finishedAt() == null) {
                continue;
            }
            String title = plan.step(s.stepId()).map(Step::title).orElse(s.stepId());
            actions.add(s.finishedAt() + " " + title + " (" + s.stepId() + "): " + s.status() + " — " + s.message());
        }
        List<String> lessons = new ArrayList<>(pm.lessonsLearned());
        List<String> items = new ArrayList<>(pm.actionItems());
        for (ObjectiveVerdict v : r.verdicts()) {
            if (v.verdict() == ObjectiveVerdict.Verdict.MISSED) {
                lessons.add(v.kind() + " objective for " + v.component().label() + " missed: " + v.basis()
                        + (v.achieved() == null ? "" : " (achieved " + RecoveryPlan.human(v.achieved()) + ", objective "
                        + (v.objective() == null ? "none" : RecoveryPlan.human(v.objective())) + ")"));
                items.add("Bring the " + v.kind() + " of " + v.component().label() + " within its objective");
            } else if (v.verdict() == ObjectiveVerdict.Verdict.NOT_MEASURED) {
                items.add("Make the " + v.kind() + " of " + v.component().label() + " measurable: " + v.basis());
            }
        }
        for (StepResult s : r.steps()) {
            if (s.status().isFailure() || s.status() == StepStatus.COMPENSATION_FAILED) {
                items.add("Investigate step '" + s.stepId() + "' (" + s.status() + "): " + s.message());
            }
        }
        return new PostMortemSection(timeline, pm.rootCause(), pm.impact(), actions, lessons, items);
    }

    private static @Nullable Double seconds(@Nullable Duration d) {
        return d == null ? null : d.toMillis() / 1000.0;
    }

    /** The JSON document. */
    public byte[] toJson() {
        return Json.write(this);
    }

    /** Reads a report written by {@link #toJson()}. */
    public static RecoveryReport fromJson(byte[] json) {
        try {
            return Json.read(json, RecoveryReport.class);
        } catch (IOException e) {
            throw new PlanException("Not a dr4j recovery report: " + e.getMessage(), e);
        }
    }

    public String toMarkdown() {
        return ReportMarkdown.render(this);
    }

    /**
     * Writes {@code <runId>.json} and {@code <runId>.md} into {@code dir} (created when missing).
     *
     * @return the two files, JSON first
     */
    public List<Path> writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
            Path json = dir.resolve(runId + ".json");
            Path md = dir.resolve(runId + ".md");
            Files.write(json, toJson());
            Files.writeString(md, toMarkdown());
            return List.of(json, md);
        } catch (IOException e) {
            throw new PlanException("Could not write the report of run " + runId + " to " + dir + ": " + e.getMessage()
                    + ". Check the directory is writable", e);
        }
    }
}
