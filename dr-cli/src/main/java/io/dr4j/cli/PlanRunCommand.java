package io.dr4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.dr4j.core.alert.AsyncNotifier;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.PlanRunner;
import io.dr4j.core.plan.RunRequest;
import io.dr4j.core.plan.report.PostMortem;
import io.dr4j.core.plan.report.RecoveryReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code dr plan run SCENARIO}: the real recovery, with the collaborators built from the configuration. */
@Command(name = "run", description = {"Run a scenario's recovery plan for real: database-corruption (stop the "
        + "services, point-in-time restore into --to, verify, restart), application-rollback (roll the service "
        + "back with the Docker or Kubernetes deployer, verify, monitor), server-failure (provision hook, restore the "
        + "newest backup and all WAL into --to, start, deploy hook, verify), datacenter-outage (the same from the "
        + "secondary region's repository only, then the traffic hook) or ransomware (isolate hook, the newest backup "
        + "before --compromised-at that passes the read-data verification, restored into a new directory, verify, "
        + "rotate-credentials hook).",
        "Hooks are shell commands from the configuration (dr.plan.*-command, see docs/configuration.md) with their "
        + "context in DR4J_* environment variables; an optional hook that is not configured is reported as skipped.",
        "Asks for confirmation on a terminal; --yes confirms and approves approval points. The state is saved after "
        + "every step: --resume FILE continues an interrupted or failed run. Writes the report (JSON + Markdown).",
        "Exit code 0 when every step succeeded and the objectives were met, 1 when a step failed, 2 for missing or "
        + "wrong configuration (all named at once), 3 when objectives were missed or no backup passed the "
        + "verification (ransomware)."})
final class PlanRunCommand implements Callable<Integer> {
    @ParentCommand
    PlanCommand plan;

    @Parameters(paramLabel = "SCENARIO", description = "database-corruption, application-rollback, server-failure, "
            + "datacenter-outage or ransomware.")
    String scenario;

    @Mixin
    ScenarioOptions o = new ScenarioOptions();

    @Option(names = "--incident-time", paramLabel = "ISO8601", description = "When the disaster happened (the RPO "
            + "basis, and database-corruption's default recovery target); default: ransomware's --compromised-at, "
            + "else now.")
    String incidentTime;

    @Option(names = "--resume", paramLabel = "STATE_FILE", description = "Continue the run saved in this state file "
            + "(<report dir>/<run id>.state.json): succeeded steps are kept, the others run again.")
    Path resume;

    @Override
    public Integer call() throws Exception {
        Cli cli = plan.parent.cli();
        Scenarios.Setup setup = Scenarios.setup(scenario, cli, o, false);
        if (o.dryRun) {
            return ScenarioRun.dryRun(cli, scenario, setup, false);
        }
        if (resume != null && !Files.isRegularFile(resume)) {
            throw new io.dr4j.core.ConfigurationException("State file " + resume + " does not exist: give the "
                    + "<run id>.state.json of the run to resume (in its report directory)");
        }
        ScenarioRun.confirm(cli, o.yes, scenario, setup.describe());
        Path dir = o.reportDir(cli);
        Files.createDirectories(dir);
        java.util.Optional<AsyncNotifier> notifier = ScenarioRun.notifier(cli);
        try (Scenarios.Prepared p = setup.forRun()) {
            PlanRunner runner = ScenarioRun.runner(cli, ScenarioRun.approver(cli, o.yes), notifier);
            PlanResult r;
            Path state;
            if (resume != null) {
                state = resume;
                cli.info("Resuming " + scenario + " from " + resume);
                r = runner.resume(p.plan, resume);
            } else {
                String runId = ScenarioRun.runId("", p.plan);
                state = dir.resolve(runId + ".state.json");
                RunRequest req = RunRequest.withInputs(p.inputs).runId(runId).stateFile(state);
                if (incidentTime != null) {
                    req = req.incidentAt(RestoreCommand.parseTime(incidentTime));
                } else if (setup.incidentAt().isPresent()) {
                    req = req.incidentAt(setup.incidentAt().get());
                }
                cli.info("Running " + scenario + " (run " + runId + "); state in " + state);
                r = runner.run(p.plan, req);
            }
            RecoveryReport report = RecoveryReport.of(p.plan, r, PostMortem.empty(), false, p.facts);
            List<Path> files = report.writeTo(dir);
            int code = ScenarioRun.exitCode(r, List.of());
            ScenarioRun.print(cli, false, r, report, List.of(), files, state, code);
            return code;
        } finally {
            notifier.ifPresent(n -> n.close(java.time.Duration.ofSeconds(30)));
        }
    }
}
