package io.dr4j.core.plan.drill;

import java.util.Map;
import java.util.Objects;

import io.dr4j.core.plan.RecoveryPlan;

/**
 * A drill: a scenario plan run against a test environment.
 *
 * @param name        e.g. "Q4 database corruption drill"
 * @param plan        the scenario plan, built with the environment's collaborators
 * @param environment where it runs
 * @param inputs      the plan's inputs
 */
public record Drill(String name, RecoveryPlan plan, DrillEnvironment environment, Map<String, String> inputs) {
    public Drill {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(environment, "environment");
        inputs = Map.copyOf(inputs);
    }
}
