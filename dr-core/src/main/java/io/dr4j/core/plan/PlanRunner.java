package io.dr4j.core.plan;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;

import io.dr4j.core.alert.Notifier;

import org.jspecify.annotations.Nullable;

/**
 * Runs {@link RecoveryPlan}s: independent branches in parallel on an executor, timeouts, retries with backoff,
 * approvals through the {@link Approver}, compensation after a failure, a timeline, notifications at start, on every
 * step and at the end, listeners, state persisted after every step for {@link #resume}, and the achieved RTO/RPO
 * against the {@link Objectives}. Thread-safe; one runner can run many plans.
 *
 * <pre>{@code
 * PlanRunner runner = PlanRunner.builder().approver(Approvers.refuseAll()).notifier(slack).build();
 * PlanResult result = runner.run(plan, RunRequest.withInputs(Map.of("service", "api")).stateFile(state));
 * }</pre>
 */
public final class PlanRunner {
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    final @Nullable ExecutorService executor;
    final Approver approver;
    final List<Notifier> notifiers;
    final List<PlanListener> listeners;
    final Clock clock;
    final Objectives objectives;
    final boolean compensateOnFailure;

    private PlanRunner(Builder b) {
        this.executor = b.executor;
        this.approver = b.approver;
        this.notifiers = List.copyOf(b.notifiers);
        this.listeners = List.copyOf(b.listeners);
        this.clock = b.clock;
        this.objectives = b.objectives;
        this.compensateOnFailure = b.compensateOnFailure;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Objectives objectives() {
        return objectives;
    }

    public Clock clock() {
        return clock;
    }

    /** Runs the plan to its end and returns the result (never throws for a failed step). */
    public PlanResult run(RecoveryPlan plan, RunRequest request) {
        return start(plan, request).await();
    }

    /**
     * Starts the plan on a thread of its own and returns at once.
     *
     * @throws InvalidPlanException when a required input is missing (nothing ran)
     */
    public PlanExecution start(RecoveryPlan plan, RunRequest request) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(request, "request");
        Map<String, String> inputs = resolveInputs(plan, request.inputs());
        Instant now = clock.instant();
        String runId = request.runId() != null ? request.runId() : newRunId(plan, now);
        Instant declared = request.declaredAt() != null ? request.declaredAt() : now;
        Instant incident = request.incidentAt() != null ? request.incidentAt() : declared;
        Execution e = new Execution(this, plan, runId, inputs, incident, declared, now, request.stateFile(), null);
        e.start();
        return e;
    }

    /**
     * Resumes a run from its state file: steps that succeeded keep their outputs and are not run again; the failed,
     * timed-out, refused, cancelled, skipped and compensated ones run again. The run keeps its id, inputs and incident
     * times, so the RTO covers the whole incident.
     *
     * @throws PlanException when the file is missing or unreadable, or belongs to another plan
     */
    public PlanExecution startResume(RecoveryPlan plan, Path stateFile) {
        RunStateFile.State state = RunStateFile.read(stateFile);
        if (!state.planId().equals(plan.id())) {
            throw new PlanException("State file " + stateFile + " belongs to plan '" + state.planId()
                    + "', not to '" + plan.id() + "'. Resume it with that plan");
        }
        List<String> unknown = new ArrayList<>();
        for (StepResult r : state.steps()) {
            if (plan.step(r.stepId()).isEmpty()) {
                unknown.add(r.stepId());
            }
        }
        if (!unknown.isEmpty()) {
            throw new PlanException("State file " + stateFile + " names steps the plan '" + plan.id()
                    + "' no longer has: " + String.join(", ", unknown) + ". The plan changed since the run; start a new run");
        }
        Map<String, String> inputs = resolveInputs(plan, state.inputs());
        Execution e = new Execution(this, plan, state.runId(), inputs, state.incidentAt(), state.declaredAt(),
                state.startedAt(), stateFile, state);
        e.start();
        return e;
    }

    /** {@link #startResume} and wait for the result. */
    public PlanResult resume(RecoveryPlan plan, Path stateFile) {
        return startResume(plan, stateFile).await();
    }

    /** The dry run: what would run, in which order, how long each step is expected to take. Runs nothing. */
    public String dryRun(RecoveryPlan plan, RunRequest request) {
        return DryRun.render(plan, request, objectives);
    }

    static Map<String, String> resolveInputs(RecoveryPlan plan, Map<String, String> given) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (PlanInput in : plan.inputs()) {
            String v = given.get(in.name());
            if (v == null) {
                v = in.defaultValue();
            }
            if (v == null) {
                missing.add("Plan '" + plan.id() + "' needs input '" + in.name() + "': " + in.description());
            } else {
                out.put(in.name(), v);
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidPlanException(missing);
        }
        given.forEach(out::putIfAbsent);
        return out;
    }

    private static String newRunId(RecoveryPlan plan, Instant now) {
        byte[] r = new byte[3];
        ThreadLocalRandom.current().nextBytes(r);
        return plan.id() + "-" + RUN_ID_TIME.format(now) + "-" + HexFormat.of().formatHex(r);
    }

    /** Configures a runner. */
    public static final class Builder {
        private @Nullable ExecutorService executor;
        private Approver approver = Approvers.refuseAll();
        private final List<Notifier> notifiers = new ArrayList<>();
        private final List<PlanListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private Objectives objectives = Objectives.defaults();
        private boolean compensateOnFailure = true;

        private Builder() {
        }

        /** Runs steps on this executor (not shut down by the runner); default: a thread per running step. */
        public Builder executor(ExecutorService e) {
            this.executor = Objects.requireNonNull(e, "executor");
            return this;
        }

        /** Decides approval points; default {@link Approvers#refuseAll()} (non-interactive runs stop there). */
        public Builder approver(Approver a) {
            this.approver = Objects.requireNonNull(a, "approver");
            return this;
        }

        public Builder notifier(Notifier n) {
            notifiers.add(Objects.requireNonNull(n, "notifier"));
            return this;
        }

        public Builder listener(PlanListener l) {
            listeners.add(Objects.requireNonNull(l, "listener"));
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public Builder objectives(Objectives o) {
            this.objectives = Objects.requireNonNull(o, "objectives");
            return this;
        }

        /** Undo completed steps that have a compensation when a later step fails (default true). */
        public Builder compensateOnFailure(boolean b) {
            this.compensateOnFailure = b;
            return this;
        }

        public PlanRunner build() {
            return new PlanRunner(this);
        }
    }
}
