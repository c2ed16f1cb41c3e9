package io.dr4j.core.plan;

/**
 * What a step does. Runs on a worker thread; must react to interruption and {@link StepContext#isCancelled()}
 * (the runner interrupts it on timeout and cancel). Throwing fails the attempt (retried as the step's
 * {@link RetryPolicy} allows, except {@link ApprovalRefusedException} and {@link StepFailedException#permanent}).
 */
@FunctionalInterface
public interface StepAction {
    StepOutput execute(StepContext context) throws Exception;
}
