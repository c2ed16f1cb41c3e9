package io.dr4j.core.alert;

import java.util.Objects;

import io.dr4j.core.plan.PlanExecution;
import io.dr4j.core.plan.PlanListener;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.RunSnapshot;

/**
 * Posts incident status updates while recovery plans run: connects the plan runner's {@link PlanListener} hook to an
 * {@link IncidentStatusUpdater}. When a run starts (or resumes) its updates start, each carrying the run's live
 * {@link RunSnapshot#statusLine()} ("Database corruption: 3 of 7 steps done; running: Restore the database
 * (restoring backup b1); 12 min since the incident was declared"); when it finishes they stop with the final status.
 *
 * <pre>{@code
 * PlanRunner runner = PlanRunner.builder()
 *         .listener(new IncidentStatusListener(IncidentStatusUpdater.builder().notifier(alerts).build()))
 *         .build();
 * }</pre>
 */
public final class IncidentStatusListener implements PlanListener {
    private final IncidentStatusUpdater updater;

    public IncidentStatusListener(IncidentStatusUpdater updater) {
        this.updater = Objects.requireNonNull(updater, "updater");
    }

    @Override
    public void planStarted(RunSnapshot run, PlanExecution execution) {
        if (!updater.isRunning(run.runId())) {
            updater.start(run.runId(), () -> execution.snapshot().statusLine());
        }
    }

    @Override
    public void planFinished(RunSnapshot run, PlanResult result) {
        updater.stop(run.runId(), run.statusLine() + " (run " + result.runId() + " "
                + result.status().name().toLowerCase(java.util.Locale.ROOT) + ")");
    }
}
