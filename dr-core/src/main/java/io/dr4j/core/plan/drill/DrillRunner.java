package io.dr4j.core.plan.drill;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.alert.Alert;
import io.dr4j.core.alert.Notifier;
import io.dr4j.core.alert.Severity;
import io.dr4j.core.plan.ObjectiveVerdict;
import io.dr4j.core.plan.PlanException;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.PlanRunner;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RunRequest;
import io.dr4j.core.plan.report.PostMortem;
import io.dr4j.core.plan.report.RecoveryReport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs drills, the DR plan's "simulate, execute, measure recovery time, document lessons": the environment injects
 * the disaster, the incident is declared at once, the scenario plan runs (approvals as the {@link PlanRunner} is
 * configured, usually auto-approved in drills), the environment verifies the recovery, and the report (JSON and
 * Markdown, with the measured RTO/RPO and the findings as lessons) is written to the report directory and announced
 * to the notifiers.
 */
public final class DrillRunner {
    private static final Logger log = LoggerFactory.getLogger(DrillRunner.class);
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final PlanRunner runner;
    private final Path reportDirectory;
    private final List<Notifier> notifiers;

    private DrillRunner(PlanRunner runner, Path reportDirectory, List<Notifier> notifiers) {
        this.runner = runner;
        this.reportDirectory = reportDirectory;
        this.notifiers = List.copyOf(notifiers);
    }

    /**
     * @param runner          runs the plans (its approver decides approval points; its clock times the drill)
     * @param reportDirectory where {@code <run id>.json}, {@code .md} and the run state go
     */
    public static DrillRunner of(PlanRunner runner, Path reportDirectory, Notifier... notifiers) {
        return new DrillRunner(Objects.requireNonNull(runner, "runner"),
                Objects.requireNonNull(reportDirectory, "reportDirectory"), List.of(notifiers));
    }

    /** Runs the drill and closes its environment. Never throws for a failed recovery: see {@link DrillResult}. */
    public DrillResult run(Drill drill) {
        RecoveryPlan plan = drill.plan();
        String runId = "drill-" + plan.id() + "-" + ID.format(runner.clock().instant()) + "-"
                + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt());
        DrillEnvironment env = drill.environment();
        notify(Severity.INFO, "DR drill started: " + drill.name(), "Scenario '" + plan.title() + "' in "
                + env.description() + " (run " + runId + ")", runId, false, Map.of());
        try (env) {
            Instant incidentAt = env.simulate();
            Instant declaredAt = runner.clock().instant();
            log.info("Drill {}: disaster simulated at {}, declared at {}", drill.name(), incidentAt, declaredAt);
            PlanResult result = runner.run(plan, RunRequest.withInputs(drill.inputs()).runId(runId)
                    .incidentAt(incidentAt).declaredAt(declaredAt).stateFile(reportDirectory.resolve(runId + ".state.json")));
            List<String> findings = new ArrayList<>();
            try {
                findings.addAll(env.verify(result));
            } catch (Exception e) {
                findings.add("The environment could not verify the recovery: " + e);
            }
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("Drill", drill.name());
            facts.put("Environment", env.description());
            facts.putAll(env.facts());
            facts.put("Recovery verified by the environment", findings.isEmpty() ? "yes" : "no");
            List<String> items = findings.stream().map(f -> "Fix: " + f).toList();
            PostMortem pm = new PostMortem("Simulated disaster (drill): " + plan.title(),
                    "None: a drill in a test environment", findings, items);
            RecoveryReport report = RecoveryReport.of(plan, result, pm, true, facts);
            List<Path> files = report.writeTo(reportDirectory);
            DrillResult dr = new DrillResult(result, findings, report, files);
            announce(drill, dr);
            return dr;
        } catch (PlanException e) {
            throw e;
        } catch (Exception e) {
            notify(Severity.ERROR, "DR drill aborted: " + drill.name(), "The drill could not run: " + e, runId, false,
                    Map.of());
            throw new PlanException("Drill '" + drill.name() + "' could not run in " + env.description() + ": "
                    + e.getMessage(), e);
        }
    }

    private void announce(Drill drill, DrillResult dr) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (ObjectiveVerdict v : dr.result().verdicts()) {
            fields.put(v.kind() + " " + v.component().label(), v.verdict()
                    + (v.achieved() == null ? "" : " (" + RecoveryPlan.human(v.achieved()) + ")"));
        }
        fields.put("report", dr.files().isEmpty() ? "" : dr.files().get(dr.files().size() - 1).toString());
        String msg = "Drill '" + drill.name() + "' " + (dr.passed() ? "passed" : "did not pass") + ": plan "
                + dr.result().status() + (dr.findings().isEmpty() ? "" : "; findings: " + String.join("; ", dr.findings()));
        notify(dr.passed() ? Severity.INFO : Severity.WARNING, "DR drill " + (dr.passed() ? "passed" : "failed") + ": "
                + drill.name(), msg, dr.result().runId(), true, fields);
    }

    private void notify(Severity sev, String title, String message, String runId, boolean resolved,
                        Map<String, String> fields) {
        Alert a = new Alert(sev, title, message, "dr4j-drill", "dr4j-drill:" + runId, resolved, fields, Instant.now());
        for (Notifier n : notifiers) {
            try {
                n.notify(a);
            } catch (RuntimeException e) {
                log.warn("Notifier {} could not deliver '{}': {}", n.name(), title, e.toString());
            }
        }
    }
}
