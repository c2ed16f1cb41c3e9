package io.dr4j.core.plan;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.dr4j.core.ProgressListener;

/**
 * What a running step sees: the plan's inputs, the outputs of earlier steps, the clock, a progress sink, the
 * approver and cancellation.
 */
public interface StepContext {

    String runId();

    RecoveryPlan plan();

    Step step();

    /** 1 for the first attempt. */
    int attempt();

    /** The run's inputs (declared inputs with their defaults applied). */
    Map<String, String> inputs();

    /** An input, or an error naming it and the plan's declared inputs when it is missing. */
    String input(String name);

    Optional<String> optionalInput(String name);

    /** The output of an earlier step, when it succeeded (in this run or the resumed one). */
    Optional<StepOutput> output(String stepId);

    /** A named value of an earlier step's output, or an error naming the step and the value. */
    String output(String stepId, String key);

    Clock clock();

    /** When the disaster happened (the RPO is measured against it). */
    Instant incidentAt();

    /** When the incident was declared (the RTO starts here). */
    Instant declaredAt();

    /** Reports progress of this step (shown by listeners and the CLI; the last message goes to the timeline). */
    void progress(String message);

    /** A {@link ProgressListener} that feeds {@link #progress(String)}, for restore and backup APIs. */
    ProgressListener progressListener();

    /** Asks the run's {@link Approver}; throws {@link ApprovalRefusedException} when refused. */
    ApprovalDecision requestApproval(String question);

    boolean isCancelled();

    /** Throws {@link PlanCancelledException} when the run was cancelled (call it between units of work). */
    void checkCancelled();
}
