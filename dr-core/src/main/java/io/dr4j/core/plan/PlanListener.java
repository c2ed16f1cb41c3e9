package io.dr4j.core.plan;

/**
 * Watches runs: plan started, step started, progress, step finished, plan finished. Every call carries a
 * {@link RunSnapshot} (run id, plan, the state of every step, the timeline so far), so a listener can keep a
 * reference to the {@link PlanExecution} or just the last snapshot, e.g. to post a status update every 30 minutes.
 * Called on the runner's coordinating thread ({@link #stepProgress} on the step's worker thread): return quickly and
 * hand long work to your own executor. Exceptions are logged and ignored.
 */
public interface PlanListener {

    /** Also called when a run is resumed. */
    default void planStarted(RunSnapshot run, PlanExecution execution) {
    }

    default void stepStarted(RunSnapshot run, Step step) {
    }

    default void stepProgress(RunSnapshot run, Step step, String message) {
    }

    default void stepFinished(RunSnapshot run, Step step, StepResult result) {
    }

    default void planFinished(RunSnapshot run, PlanResult result) {
    }
}
