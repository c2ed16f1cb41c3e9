package io.dr4j.core.plan;

/**
 * Undoes a step that succeeded when a later step fails (e.g. switch traffic back). Runs after the plan stopped, in
 * reverse order of completion, bounded by the step's timeout.
 */
@FunctionalInterface
public interface Compensation {
    /** @param done what the step produced when it succeeded */
    void compensate(StepContext context, StepOutput done) throws Exception;
}
