package io.dr4j.core.plan;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.dr4j.core.Progress;
import io.dr4j.core.ProgressListener;

/** The {@link StepContext} of one attempt. */
final class Context implements StepContext {
    private final Execution run;
    private final Step step;
    private final int attempt;
    private volatile long lastProgressNanos = System.nanoTime() - 2_000_000_000L;

    Context(Execution run, Step step, int attempt) {
        this.run = run;
        this.step = step;
        this.attempt = attempt;
    }

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public RecoveryPlan plan() {
        return run.plan();
    }

    @Override
    public Step step() {
        return step;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Map<String, String> inputs() {
        return run.inputs();
    }

    @Override
    public String input(String name) {
        return optionalInput(name).orElseThrow(() -> StepFailedException.permanent("Step '" + step.id()
                + "' needs input '" + name + "', which the run does not have (inputs: " + run.inputs().keySet()
                + "). Declare it on the plan or pass it in the RunRequest"));
    }

    @Override
    public Optional<String> optionalInput(String name) {
        return Optional.ofNullable(run.inputs().get(name));
    }

    @Override
    public Optional<StepOutput> output(String stepId) {
        StepResult r = run.result(stepId);
        return r == null || r.status() != StepStatus.SUCCEEDED ? Optional.empty() : Optional.ofNullable(r.output());
    }

    @Override
    public String output(String stepId, String key) {
        StepOutput out = output(stepId).orElseThrow(() -> StepFailedException.permanent("Step '" + step.id()
                + "' needs the output of step '" + stepId + "', which has not succeeded. Make '" + step.id()
                + "' depend on '" + stepId + "'"));
        String v = out.values().get(key);
        if (v == null) {
            throw StepFailedException.permanent("Step '" + stepId + "' produced no value '" + key + "' (it has "
                    + out.values().keySet() + "), needed by step '" + step.id() + "'");
        }
        return v;
    }

    @Override
    public Clock clock() {
        return run.runner().clock;
    }

    @Override
    public Instant incidentAt() {
        return run.incidentAt();
    }

    @Override
    public Instant declaredAt() {
        return run.declaredAt();
    }

    @Override
    public void progress(String message) {
        run.progress(step, message);
    }

    @Override
    public ProgressListener progressListener() {
        return (Progress p) -> {
            long now = System.nanoTime();
            if (now - lastProgressNanos < 1_000_000_000L) {
                return;
            }
            lastProgressNanos = now;
            StringBuilder b = new StringBuilder(p.operation()).append(' ').append(p.phase());
            if (p.itemsTotal() >= 0) {
                b.append(' ').append(p.itemsDone()).append('/').append(p.itemsTotal()).append(" items");
            }
            b.append(", ").append(p.bytesDone()).append(p.bytesTotal() >= 0 ? "/" + p.bytesTotal() : "").append(" bytes");
            p.etaSeconds().ifPresent(s -> b.append(", ETA ").append(s).append(" s"));
            progress(b.toString());
        };
    }

    @Override
    public ApprovalDecision requestApproval(String question) {
        checkCancelled();
        run.approvalRequested(step, question);
        ApprovalDecision d;
        try {
            d = run.runner().approver.decide(new ApprovalRequest(runId(), plan().id(), step.id(), question,
                    run.inputs()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlanCancelledException("Interrupted while waiting for approval of step '" + step.id() + "'");
        }
        if (d == null || !d.approved()) {
            String by = d == null ? "approver" : d.by();
            String why = d == null ? "no decision" : d.reason();
            throw new ApprovalRefusedException("Approval of '" + step.title() + "' refused by " + by + ": " + why,
                    d == null ? ApprovalDecision.refuse(by, why) : d);
        }
        run.event(TimelineEvent.Type.APPROVED, step.id(), "Approved by " + d.by() + ": " + d.reason());
        return d;
    }

    @Override
    public boolean isCancelled() {
        return run.cancelRequested() || Thread.currentThread().isInterrupted();
    }

    @Override
    public void checkCancelled() {
        if (isCancelled()) {
            throw new PlanCancelledException("Run " + runId() + " was cancelled or step '" + step.id()
                    + "' was interrupted (timeout)");
        }
    }
}
