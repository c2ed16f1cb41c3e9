package io.dr4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.alert.AsyncNotifier;
import io.dr4j.core.alert.Notifiers;
import io.dr4j.core.plan.Approver;
import io.dr4j.core.plan.Approvers;
import io.dr4j.core.plan.ObjectiveVerdict;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.PlanRunner;
import io.dr4j.core.plan.PlanStatus;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RunRequest;
import io.dr4j.core.plan.report.RecoveryReport;

/** What {@code dr plan run} and {@code dr drill} share: approvals, the runner, the dry run, output and exit codes. */
final class ScenarioRun {
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static BufferedReader stdin;

    private ScenarioRun() {
    }

    static synchronized BufferedReader stdin() {
        if (stdin == null) {
            stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        return stdin;
    }

    /** {@code --yes}: approve by policy; a terminal: ask; otherwise refuse (the plan stops at its approval point). */
    static Approver approver(Cli cli, boolean yes) {
        if (yes) {
            return Approvers.autoApprove("dr --yes");
        }
        if (cli.interactive()) {
            return Approvers.console(stdin(), cli.err(), "console:" + System.getProperty("user.name"));
        }
        return Approvers.refuseAll();
    }

    /** Asks on the terminal before a real run; without a terminal {@code --yes} is required. */
    static void confirm(Cli cli, boolean yes, String scenario, Map<String, String> describe) throws IOException {
        if (yes) {
            return;
        }
        if (!cli.interactive()) {
            throw new ConfigurationException("dr plan run " + scenario + " executes the real recovery (it restores, "
                    + "deploys, stops services). No terminal can confirm it: pass --yes, or --dry-run to see what it "
                    + "would do");
        }
        cli.err().println("About to run the REAL recovery plan '" + scenario + "':");
        describe.forEach((k, v) -> cli.err().println("  " + k + ": " + v));
        cli.err().print("Type 'yes' to run it: ");
        cli.err().flush();
        String line = stdin().readLine();
        if (line == null || !line.trim().equalsIgnoreCase("yes")) {
            throw new ConfigurationException("Not confirmed: nothing was run");
        }
    }

    static PlanRunner runner(Cli cli, Approver approver, java.util.Optional<AsyncNotifier> notifier) {
        PlanRunner.Builder b = PlanRunner.builder().approver(approver)
                .objectives(ScenarioOptions.objectives(cli.config()));
        notifier.ifPresent(b::notifier);
        if (!cli.quiet()) {
            b.listener(new StepProgress(cli.err()));
        }
        return b.build();
    }

    /** The alert channels of {@code dr.alert.*} (see docs/operations.md), when any is configured. */
    static java.util.Optional<AsyncNotifier> notifier(Cli cli) {
        var alert = cli.config().scope("dr.alert");
        for (String channel : List.of("slack", "pagerduty", "webhook", "email", "sms")) {
            var c = alert.scope(channel);
            for (String key : List.of("enabled", "webhook-url", "routing-key", "url", "smtp-host", "to")) {
                if (c.get(key).isPresent()) {
                    return java.util.Optional.of(Notifiers.fromConfig(cli.config()));
                }
            }
        }
        return java.util.Optional.empty();
    }

    static String runId(String prefix, RecoveryPlan plan) {
        return prefix + plan.id() + "-" + ID.format(Instant.now()) + "-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    }

    /** The dry run: the collaborators, then the steps in order with their expected timing. */
    static int dryRun(Cli cli, String scenario, Scenarios.Setup setup, boolean drill) {
        RecoveryPlan plan = setup.preview(scenario);
        Map<String, String> d = setup.describe();
        if (cli.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scenario", scenario);
            out.put("drill", drill);
            out.put("collaborators", d);
            out.put("inputs", setup.inputs());
            out.put("steps", plan.topologicalOrder());
            Output.json(cli.out(), out);
            return ExitCode.OK;
        }
        cli.out().println((drill ? "Drill" : "Run") + " of '" + scenario + "' would use:");
        d.forEach((k, v) -> cli.out().println(String.format(Locale.ROOT, "  %-20s %s", k, v)));
        cli.out().println("  inputs               " + setup.inputs());
        cli.out().println();
        PlanRunner r = PlanRunner.builder().objectives(ScenarioOptions.objectives(cli.config())).build();
        cli.out().print(r.dryRun(plan, RunRequest.withInputs(setup.inputs())));
        cli.out().flush();
        return ExitCode.OK;
    }

    /** 1 when a step failed, 3 when the run succeeded but objectives were missed or problems found, else 0. */
    static int exitCode(PlanResult r, List<String> findings) {
        if (r.status() != PlanStatus.SUCCEEDED) {
            // ransomware: no backup before the compromise passed the read-data verification
            boolean noClean = r.firstFailure().map(f -> f.stepId().equals("find-clean-backup")).orElse(false);
            return noClean ? ExitCode.PROBLEMS_FOUND : ExitCode.FAILED;
        }
        boolean missed = r.verdicts().stream().anyMatch(v -> v.verdict() == ObjectiveVerdict.Verdict.MISSED);
        return missed || !findings.isEmpty() ? ExitCode.PROBLEMS_FOUND : ExitCode.OK;
    }

    /** The summary for people, or the JSON for scripts. */
    static void print(Cli cli, boolean drill, PlanResult r, RecoveryReport report, List<String> findings,
                      List<Path> files, Path stateFile, int code) {
        if (cli.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("runId", r.runId());
            out.put("scenario", r.planId());
            out.put("drill", drill);
            out.put("status", r.status().name());
            out.put("exitCode", code);
            out.put("findings", findings);
            out.put("reports", files.stream().map(Path::toString).toList());
            out.put("stateFile", stateFile.toString());
            out.put("report", report);
            Output.json(cli.out(), out);
            return;
        }
        var out = cli.out();
        String what = drill ? "Drill" : "Recovery";
        out.println(what + " " + (code == ExitCode.OK ? "succeeded" : code == ExitCode.PROBLEMS_FOUND
                ? "ran, with problems" : "FAILED") + ": plan " + r.planId() + " " + r.status() + " in "
                + StepProgress.seconds(r.duration()) + " (run " + r.runId() + ")");
        r.firstFailure().ifPresent(f -> out.println("  failed step: " + f.stepId() + ": " + f.message()));
        for (ObjectiveVerdict v : r.verdicts()) {
            out.println(String.format(Locale.ROOT, "  %s %-12s achieved %-10s objective %-8s %s", v.kind(),
                    v.component().label(), v.achieved() == null ? "-" : StepProgress.seconds(v.achieved()),
                    v.objective() == null ? "-" : RecoveryPlan.human(v.objective()), v.verdict()));
        }
        findings.forEach(f -> out.println("  finding: " + f));
        out.println("  report: " + String.join(", ", files.stream().map(Path::toString).toList()));
        if (r.status() != PlanStatus.SUCCEEDED && !drill) {
            out.println("  resume: dr plan run " + r.planId() + " --resume " + stateFile + " (after fixing the cause)");
        }
        out.flush();
    }
}
