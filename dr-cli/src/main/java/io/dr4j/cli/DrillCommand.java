package io.dr4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.dr4j.core.alert.AsyncNotifier;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.drill.Drill;
import io.dr4j.core.plan.drill.DrillEnvironment;
import io.dr4j.core.plan.drill.DrillResult;
import io.dr4j.core.plan.drill.DrillRunner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code dr drill SCENARIO}: the scenario's plan against scratch resources, measured, with its report. */
@Command(name = "drill", description = {"Run a scenario as a drill against scratch resources and write the report "
        + "(JSON + Markdown) with the measured RTO and RPO against the objectives.",
        "database-corruption: marks the incident in the source's WAL (an empty transaction; no data is changed), "
                + "waits for the archiver, restores the newest clean backup to just before it into a scratch "
                + "directory on 127.0.0.1, verifies every table is back and the --check queries pass, then removes the "
                + "scratch cluster. Production services are not touched.",
        "application-rollback: deploys --bad-image to a non-production --service, rolls it back with the plan, and "
                + "checks it runs its former image again.",
        "server-failure: restores the newest backup and all archived WAL into a scratch directory on a free port, "
                + "starts it, verifies it (tables, --check queries), stops and removes it. datacenter-outage: the same "
                + "reading ONLY the secondary repository (--secondary-repo; the primary is never opened). ransomware: "
                + "re-reads every object of the backups before --compromised-at (newest first) against its SHA-256, "
                + "restores the first that verifies and reports each rejected one as a finding. No hook runs in a "
                + "drill; their steps say so. Approval points are approved (scratch resources only).",
        "Exit code 0 when the drill passed, 1 when a step failed, 3 when objectives were missed or the verification "
                + "found problems."})
final class DrillCommand implements Callable<Integer> {
    @ParentCommand
    DrCommand parent;

    @Parameters(paramLabel = "SCENARIO", description = "database-corruption, application-rollback, server-failure, "
            + "datacenter-outage or ransomware.")
    String scenario;

    @Mixin
    ScenarioOptions o = new ScenarioOptions();

    @Option(names = "--name", paramLabel = "TEXT", description = "The drill's name in the report (default: "
            + "'dr drill <scenario>').")
    String name;

    @Override
    public Integer call() throws Exception {
        Cli cli = parent.cli();
        Scenarios.Setup setup = Scenarios.setup(scenario, cli, o, true);
        if (o.dryRun) {
            return ScenarioRun.dryRun(cli, scenario, setup, true);
        }
        Path dir = o.reportDir(cli);
        Files.createDirectories(dir);
        java.util.Optional<AsyncNotifier> notifier = ScenarioRun.notifier(cli);
        try (Scenarios.Prepared p = setup.forDrill()) {
            DrillRunner runner = DrillRunner.of(ScenarioRun.runner(cli, ScenarioRun.approver(cli, o.yes
                    || Scenarios.drillAutoApproves(scenario)),
                    java.util.Optional.empty()), dir, notifier.stream().toArray(io.dr4j.core.alert.Notifier[]::new));
            cli.info("Drill of " + scenario + " in " + p.environment.description());
            DrillResult d = runner.run(new Drill(name != null ? name : "dr drill " + scenario, p.plan,
                    withFacts(p.environment, p.facts), p.inputs));
            PlanResult r = d.result();
            int code = ScenarioRun.exitCode(r, d.findings());
            ScenarioRun.print(cli, true, r, d.report(), d.findings(), d.files(), dir.resolve(r.runId() + ".state.json"),
                    code);
            return code;
        } finally {
            notifier.ifPresent(n -> n.close(java.time.Duration.ofSeconds(30)));
        }
    }

    /** The environment with the command's collaborators added to its facts (shown in the report). */
    private static DrillEnvironment withFacts(DrillEnvironment env, Map<String, String> extra) {
        return new DrillEnvironment() {
            @Override
            public String description() {
                return env.description();
            }

            @Override
            public Map<String, String> facts() {
                Map<String, String> f = new LinkedHashMap<>(extra);
                f.putAll(env.facts());
                return f;
            }

            @Override
            public Instant simulate() throws Exception {
                return env.simulate();
            }

            @Override
            public List<String> verify(PlanResult result) throws Exception {
                return env.verify(result);
            }

            @Override
            public void close() throws Exception {
                env.close();
            }
        };
    }
}
