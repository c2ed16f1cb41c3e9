package io.dr4j.core.plan;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How to run a plan.
 *
 * @param runId      the run's id; null generates one ({@code <plan>-<yyyyMMddTHHmmssZ>-<random>})
 * @param inputs     values for the plan's inputs; they are written to the state file, the report and approval
 *                   requests, so never pass secrets as inputs (give steps their credentials when building them)
 * @param incidentAt when the disaster happened (RPO basis); null = {@code declaredAt}
 * @param declaredAt when the incident was declared (RTO start); null = when the run starts
 * @param stateFile  where the run's state is persisted after every step (JSON), for {@link PlanRunner#resume};
 *                   null = not persisted
 */
public record RunRequest(@Nullable String runId, Map<String, String> inputs, @Nullable Instant incidentAt,
                         @Nullable Instant declaredAt, @Nullable Path stateFile) {
    public RunRequest {
        inputs = Map.copyOf(inputs);
    }

    public static RunRequest defaults() {
        return new RunRequest(null, Map.of(), null, null, null);
    }

    public static RunRequest withInputs(Map<String, String> inputs) {
        return new RunRequest(null, inputs, null, null, null);
    }

    public RunRequest runId(String id) {
        return new RunRequest(Objects.requireNonNull(id, "runId"), inputs, incidentAt, declaredAt, stateFile);
    }

    public RunRequest inputs(Map<String, String> in) {
        return new RunRequest(runId, in, incidentAt, declaredAt, stateFile);
    }

    public RunRequest incidentAt(@Nullable Instant t) {
        return new RunRequest(runId, inputs, t, declaredAt, stateFile);
    }

    public RunRequest declaredAt(@Nullable Instant t) {
        return new RunRequest(runId, inputs, incidentAt, t, stateFile);
    }

    public RunRequest stateFile(@Nullable Path p) {
        return new RunRequest(runId, inputs, incidentAt, declaredAt, p);
    }
}
