package io.dr4j.core.plan;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Undoes the completed steps of a failed run, latest first, each bounded by its step's timeout. */
final class Compensator {
    private static final Logger log = LoggerFactory.getLogger(Compensator.class);

    private Compensator() {
    }

    /** Runs the compensations of completed steps, latest first. True when at least one ran and all succeeded. */
    static boolean compensate(Execution run, ExecutorService executor) {
        List<StepResult> done = run.snapshot().steps().stream()
                .filter(r -> r.status() == StepStatus.SUCCEEDED && run.plan().step(r.stepId()).orElseThrow().compensation().isPresent())
                .sorted(Comparator.comparing(StepResult::finishedAt).reversed()).toList();
        if (done.isEmpty()) {
            return false;
        }
        boolean allOk = true;
        for (StepResult r : done) {
            Step step = run.plan().step(r.stepId()).orElseThrow();
            run.event(TimelineEvent.Type.COMPENSATING, step.id(), "Compensating: " + step.compensationDescription().orElse(""));
            Context ctx = new Context(run, step, 1);
            Future<?> f = executor.submit(() -> {
                step.compensation().orElseThrow().compensate(ctx, r.output());
                return null;
            });
            try {
                f.get(step.timeout().toMillis(), TimeUnit.MILLISECONDS);
                run.setResult(r.withStatus(StepStatus.COMPENSATED, r.message() + "; compensated"));
                run.event(TimelineEvent.Type.COMPENSATED, step.id(), "Compensated: " + step.compensationDescription().orElse(""));
            } catch (Exception e) {
                f.cancel(true);
                allOk = false;
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                String why = e instanceof TimeoutException ? "timed out after " + RecoveryPlan.human(step.timeout())
                        : Execution.describe(cause);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.error("Compensation of step {} in run {} failed: needs a person", step.id(), run.runId(), cause);
                run.setResult(r.withStatus(StepStatus.COMPENSATION_FAILED, r.message() + "; compensation failed: " + why));
                run.event(TimelineEvent.Type.COMPENSATION_FAILED, step.id(), "Compensation failed: " + why);
            }
            run.persist();
        }
        return allOk;
    }
}
