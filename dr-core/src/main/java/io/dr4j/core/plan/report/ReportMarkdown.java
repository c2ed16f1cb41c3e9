package io.dr4j.core.plan.report;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.dr4j.core.plan.RecoveryPlan;

/** The Markdown form of a {@link RecoveryReport}. */
final class ReportMarkdown {
    private static final String TODO = "_To be completed by the incident team._";

    private ReportMarkdown() {
    }

    static String render(RecoveryReport r) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(r.drill() ? "DR drill report: " : "Recovery report: ").append(r.planTitle()).append("\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "Run", "`" + r.runId() + "`");
        row(md, "Plan", "`" + r.planId() + "`");
        row(md, "Status", "**" + r.status() + "**");
        row(md, "Incident", r.incidentAt().toString());
        row(md, "Declared", r.declaredAt().toString());
        row(md, "Started", r.startedAt().toString());
        row(md, "Finished", r.finishedAt().toString());
        row(md, "Verified healthy", r.verifiedHealthyAt() == null ? "never" : r.verifiedHealthyAt().toString());
        row(md, "Data recovered to", r.recoveredTo() == null ? "not reported" : r.recoveredTo().toString());
        row(md, "Duration", RecoveryPlan.human(Duration.ofMillis((long) (r.durationSeconds() * 1000))));
        for (Map.Entry<String, String> e : r.environment().entrySet()) {
            row(md, e.getKey(), e.getValue());
        }
        md.append('\n');
        md.append("## Objectives\n\n");
        if (r.objectives().isEmpty()) {
            md.append("This plan is not measured against objectives.\n\n");
        } else {
            md.append("| Objective | Component | Target | Achieved | Verdict | Basis |\n|---|---|---|---|---|---|\n");
            for (RecoveryReport.Objective o : r.objectives()) {
                md.append("| ").append(o.kind()).append(" | ").append(o.component()).append(" | ")
                        .append(dur(o.objectiveSeconds())).append(" | ").append(dur(o.achievedSeconds())).append(" | **")
                        .append(o.verdict()).append("** | ").append(cell(o.basis())).append(" |\n");
            }
            md.append('\n');
        }
        md.append("## Steps\n\n| Step | Status | Attempts | Duration | Result |\n|---|---|---|---|---|\n");
        for (RecoveryReport.StepEntry s : r.steps()) {
            md.append("| ").append(cell(s.title())).append(" (`").append(s.id()).append("`) | ").append(s.status())
                    .append(" | ").append(s.attempts()).append(" | ").append(dur(s.durationSeconds())).append(" | ")
                    .append(cell(s.message())).append(" |\n");
        }
        md.append("\n## Timeline\n\n| Time | Step | Event |\n|---|---|---|\n");
        for (RecoveryReport.Event e : r.timeline()) {
            md.append("| ").append(e.at()).append(" | ").append(e.stepId() == null ? "" : "`" + e.stepId() + "`")
                    .append(" | ").append(cell(e.message())).append(" |\n");
        }
        RecoveryReport.PostMortemSection pm = r.postMortem();
        md.append("\n## Post-mortem\n\n### 1. Timeline\n\n");
        list(md, pm.timeline());
        md.append("\n### 2. Root cause\n\n").append(pm.rootCause() == null ? TODO : pm.rootCause()).append('\n');
        md.append("\n### 3. Impact\n\n").append(pm.impact() == null ? TODO : pm.impact()).append('\n');
        md.append("\n### 4. Actions taken\n\n");
        list(md, pm.actionsTaken());
        md.append("\n### 5. Lessons learned\n\n");
        list(md, pm.lessonsLearned());
        md.append("\n### 6. Action items\n\n");
        if (pm.actionItems().isEmpty()) {
            md.append(TODO).append('\n');
        } else {
            pm.actionItems().forEach(i -> md.append("- [ ] ").append(i).append('\n'));
        }
        md.append("\n### 7. Report\n\nPublish this post-mortem within 48 hours of the incident.\n");
        return md.toString();
    }

    private static void list(StringBuilder md, List<String> items) {
        if (items.isEmpty()) {
            md.append(TODO).append('\n');
        }
        items.forEach(i -> md.append("- ").append(i).append('\n'));
    }

    private static void row(StringBuilder md, String k, String v) {
        md.append("| ").append(cell(k)).append(" | ").append(cell(v)).append(" |\n");
    }

    private static String dur(Double seconds) {
        return seconds == null ? "—" : RecoveryPlan.human(Duration.ofMillis((long) (seconds * 1000)));
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
