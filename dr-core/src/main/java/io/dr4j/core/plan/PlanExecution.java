package io.dr4j.core.plan;

import java.time.Duration;
import java.util.Optional;

/** A run in progress: watch it, cancel it, wait for its result. */
public interface PlanExecution {

    String runId();

    RecoveryPlan plan();

    /** The current state. */
    RunSnapshot snapshot();

    /**
     * Asks the run to stop: running steps are interrupted and reported CANCELLED, nothing new starts. Returns at
     * once; {@link #await()} returns the result.
     */
    void cancel(String reason);

    boolean isDone();

    /** Waits for the end of the run. */
    PlanResult await();

    /** Waits at most {@code timeout}; empty when the run is still going. */
    Optional<PlanResult> await(Duration timeout);
}
