package io.dr4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.drill.DrillEnvironment;
import io.dr4j.core.plan.scenario.ApplicationRollback;
import io.dr4j.core.plan.scenario.DatabaseCorruption;
import io.dr4j.core.plan.scenario.DatacenterOutage;
import io.dr4j.core.plan.scenario.Ransomware;
import io.dr4j.core.plan.scenario.ServerFailure;

import org.jspecify.annotations.Nullable;

/**
 * Builds a scenario's plan with the collaborators the configuration names, for {@code dr plan run} (the real plan)
 * and {@code dr drill} (against scratch resources). Configuration problems are found before anything runs and
 * reported as one {@link ConfigurationException} (exit 2) naming the keys to set.
 */
final class Scenarios {
    private Scenarios() {
    }

    /** A plan ready to run, what it will touch, and what to close afterwards. */
    static final class Prepared implements AutoCloseable {
        final RecoveryPlan plan;
        final Map<String, String> inputs;
        final Map<String, String> facts;
        final @Nullable DrillEnvironment environment;
        private final List<AutoCloseable> resources;

        Prepared(RecoveryPlan plan, Map<String, String> inputs, Map<String, String> facts,
                 @Nullable DrillEnvironment environment, List<AutoCloseable> resources) {
            this.plan = plan;
            this.inputs = inputs;
            this.facts = facts;
            this.environment = environment;
            this.resources = resources;
        }

        @Override
        public void close() {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(Scenarios.class).warn("Could not close {}: {}", resources.get(i), e.toString());
                }
            }
        }
    }

    /** How a scenario is set up from the command line; {@link #describe} validates without connecting. */
    interface Setup {
        /** What the run would use (no secrets); throws {@link ConfigurationException} when something is missing. */
        Map<String, String> describe();

        /** The plan inputs (from the options, then {@code --input}). */
        Map<String, String> inputs();

        /** When the disaster happened, when the configuration says so (ransomware: the compromise). */
        default java.util.Optional<java.time.Instant> incidentAt() {
            return java.util.Optional.empty();
        }

        /** The plan's shape for the dry run (steps, inputs), built without opening anything. */
        default RecoveryPlan preview(String scenario) {
            return io.dr4j.core.plan.scenario.Runbooks.plans().get(scenario);
        }

        /** Opens the collaborators and builds the real plan. */
        Prepared forRun() throws Exception;

        /** Opens scratch collaborators and builds the plan and the drill environment. */
        Prepared forDrill() throws Exception;
    }

    /** Scenarios whose drills approve their approval points themselves (they only touch scratch resources). */
    static boolean drillAutoApproves(String scenario) {
        return scenario.equals(ServerFailure.ID) || scenario.equals(DatacenterOutage.ID) || scenario.equals(Ransomware.ID);
    }

    static Setup setup(String scenario, Cli cli, ScenarioOptions o, boolean drill) {
        PlanCommand.plan(scenario); // unknown scenario: exit 2 listing them
        return switch (scenario) {
            case DatabaseCorruption.ID -> new CorruptionSetup(cli, o, drill);
            case ApplicationRollback.ID -> new RollbackSetup(cli, o, drill);
            case ServerFailure.ID, DatacenterOutage.ID, Ransomware.ID -> new SiteRecoverySetup(scenario, cli, o, drill);
            default -> throw new ConfigurationException("Scenario '" + scenario + "' cannot be "
                    + (drill ? "drilled" : "run") + " from the dr command. Build it with its builder (see "
                    + "docs/recovery-plans.md)");
        };
    }

    /** Merges inputs: the options' values, then {@code --input KEY=VALUE} (which wins). */
    static Map<String, String> inputs(Map<String, String> fromOptions, ScenarioOptions o) {
        Map<String, String> m = new LinkedHashMap<>(fromOptions);
        m.putAll(o.inputs);
        return m;
    }

    /** Collects missing-configuration messages; throws them all at once. */
    static final class Missing {
        private final List<String> problems = new ArrayList<>();

        void add(String message) {
            problems.add(message);
        }

        void check() {
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems, null);
            }
        }
    }
}
