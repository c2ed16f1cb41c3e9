package io.dr4j.core.plan.drill;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import io.dr4j.core.plan.ObjectiveVerdict;
import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.PlanStatus;
import io.dr4j.core.plan.report.RecoveryReport;

/**
 * What a drill showed.
 *
 * @param result   the plan run
 * @param findings problems the environment found after the run (empty = the recovery was verified)
 * @param report   the report
 * @param files    the report files written (JSON, Markdown)
 */
public record DrillResult(PlanResult result, List<String> findings, RecoveryReport report, List<Path> files) {
    public DrillResult {
        Objects.requireNonNull(result, "result");
        findings = List.copyOf(findings);
        files = List.copyOf(files);
    }

    /** The plan succeeded, the environment verified the recovery and no objective was missed. */
    public boolean passed() {
        return result.status() == PlanStatus.SUCCEEDED && findings.isEmpty()
                && result.verdicts().stream().noneMatch(v -> v.verdict() == ObjectiveVerdict.Verdict.MISSED);
    }
}
