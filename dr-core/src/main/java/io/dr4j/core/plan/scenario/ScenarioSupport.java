package io.dr4j.core.plan.scenario;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.plan.StepAction;
import io.dr4j.core.plan.StepContext;
import io.dr4j.core.plan.StepFailedException;

import org.jspecify.annotations.Nullable;

/** Shared pieces of the scenario plans. */
final class ScenarioSupport {
    /** The value of a time input that means "the run's incident time". */
    static final String INCIDENT = "incident";

    private ScenarioSupport() {
    }

    /** An action for a collaborator a runbook-only plan was built without; fails naming what to configure. */
    static StepAction unconfigured(String plan, String what) {
        return ctx -> {
            throw StepFailedException.permanent("Plan '" + plan + "' was built for the runbook only: step '"
                    + ctx.step().id() + "' has no " + what + ". Build the plan with its collaborators to run it");
        };
    }

    /** Collects the names of missing collaborators; {@link #check} throws listing them all. */
    static final class Required {
        private final String plan;
        private final List<String> missing = new ArrayList<>();

        Required(String plan) {
            this.plan = plan;
        }

        Required need(@Nullable Object value, String what) {
            if (value == null) {
                missing.add("Plan '" + plan + "' needs " + what);
            }
            return this;
        }

        Required needChecks(List<HealthCheck> checks, String what) {
            if (checks.isEmpty()) {
                missing.add("Plan '" + plan + "' needs at least one health check for " + what);
            }
            return this;
        }

        void check() {
            if (!missing.isEmpty()) {
                throw new ConfigurationException(missing, null);
            }
        }
    }

    /** Parses a time input: an ISO-8601 instant, or {@value #INCIDENT} for the run's incident time. */
    static Instant time(StepContext ctx, String input) {
        String v = ctx.input(input);
        if (INCIDENT.equals(v)) {
            return ctx.incidentAt();
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw StepFailedException.permanent("Input '" + input + "' is '" + v + "', not an ISO-8601 instant "
                    + "(e.g. 2026-11-26T14:30:00Z) or '" + INCIDENT + "'");
        }
    }

    static List<String> list(String commaSeparated) {
        return List.of(commaSeparated.split("\\s*,\\s*")).stream().filter(s -> !s.isBlank()).toList();
    }
}
