package io.dr4j.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.plan.Objectives;
import io.dr4j.core.plan.PlanRunner;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RunRequest;
import io.dr4j.core.plan.scenario.Runbooks;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code dr plan list|show|render}: the DR plan's scenarios as executable plans. */
@Command(name = "plan", description = "The recovery plans of the DR plan's five scenarios.",
        subcommands = {PlanCommand.ListPlans.class, PlanCommand.Show.class, PlanCommand.Render.class,
                PlanRunCommand.class})
final class PlanCommand implements Runnable {
    @ParentCommand
    DrCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(parent.cli().out());
    }

    static RecoveryPlan plan(String id) {
        RecoveryPlan p = Runbooks.plans().get(id);
        if (p == null) {
            throw new ConfigurationException("Unknown scenario '" + id + "'. Scenarios: "
                    + String.join(", ", Runbooks.plans().keySet()));
        }
        return p;
    }

    @Command(name = "list", description = "List the scenarios.")
    static final class ListPlans implements Callable<Integer> {
        @ParentCommand
        PlanCommand plan;

        @Override
        public Integer call() {
            Cli cli = plan.parent.cli();
            java.util.List<java.util.List<String>> rows = new java.util.ArrayList<>();
            Runbooks.plans().forEach((id, p) -> rows.add(java.util.List.of(id, p.title(),
                    Integer.toString(p.steps().size()), RecoveryPlan.human(p.expectedSchedule().total()))));
            Output.table(cli.out(), java.util.List.of("SCENARIO", "TITLE", "STEPS", "EXPECTED"), rows);
            return ExitCode.OK;
        }
    }

    @Command(name = "show", description = "Dry run: the order of the steps, their expected start, timeouts, approval "
            + "points and whether the expected duration fits the RTO.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        PlanCommand plan;

        @Parameters(paramLabel = "SCENARIO", description = "e.g. database-corruption (see 'dr plan list').")
        String scenario;

        @Override
        public Integer call() {
            Cli cli = plan.parent.cli();
            RecoveryPlan p = plan(scenario);
            cli.out().println(PlanRunner.builder().objectives(Objectives.defaults()).build()
                    .dryRun(p, RunRequest.withInputs(Map.of())));
            cli.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "render", description = "Print the scenario's runbook (Markdown), as in docs/runbooks.")
    static final class Render implements Callable<Integer> {
        @ParentCommand
        PlanCommand plan;

        @Parameters(paramLabel = "SCENARIO", description = "e.g. database-corruption (see 'dr plan list').")
        String scenario;

        @Override
        public Integer call() {
            Cli cli = plan.parent.cli();
            cli.out().print(plan(scenario).toMarkdown(Objectives.defaults()));
            cli.out().flush();
            return ExitCode.OK;
        }
    }
}
