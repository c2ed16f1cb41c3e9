package io.dr4j.core.plan;

import java.time.Duration;

/** Renders a plan as its Markdown runbook. Deterministic: the same plan always gives the same bytes. */
final class RunbookRenderer {
    private RunbookRenderer() {
    }

    static String render(RecoveryPlan plan, Objectives objectives) {
        StringBuilder md = new StringBuilder();
        md.append("<!-- Generated from the recovery plan '").append(plan.id())
                .append("' by dr4j. Do not edit by hand: change the plan and regenerate (see docs/recovery-plans.md). -->\n\n");
        md.append("# Runbook: ").append(plan.title()).append("\n\n");
        if (!plan.description().isBlank()) {
            md.append(plan.description().strip()).append("\n\n");
        }
        if (!plan.symptoms().isEmpty()) {
            md.append("## Symptoms\n\n");
            plan.symptoms().forEach(s -> md.append("- ").append(s).append('\n'));
            md.append('\n');
        }
        objectives(md, plan, objectives);
        if (!plan.inputs().isEmpty()) {
            md.append("## Inputs\n\n| Input | Required | Default | Description |\n|---|---|---|---|\n");
            for (PlanInput in : plan.inputs()) {
                md.append("| `").append(in.name()).append("` | ").append(in.required() ? "yes" : "no").append(" | ")
                        .append(in.defaultValue() == null ? "" : "`" + in.defaultValue() + "`").append(" | ")
                        .append(cell(in.description())).append(" |\n");
            }
            md.append('\n');
        }
        PlanSchedule schedule = plan.expectedSchedule();
        md.append("## Expected duration\n\n");
        md.append("About **").append(RecoveryPlan.human(schedule.total()))
                .append("** when every step takes its expected time; critical path: ")
                .append(String.join(" → ", schedule.criticalPath().stream().map(s -> "`" + s + "`").toList()))
                .append(".");
        Duration healthy = null;
        for (Step s : plan.steps()) {
            if (s.kind() == StepKind.VERIFICATION) {
                Duration f = schedule.finishes().get(s.id());
                healthy = healthy == null || f.compareTo(healthy) > 0 ? f : healthy;
            }
        }
        if (healthy != null) {
            md.append(" The service is expected to be verified healthy (the end of the RTO) at T+")
                    .append(RecoveryPlan.human(healthy)).append('.');
        }
        md.append("\n\n```mermaid\nflowchart TD\n");
        for (Step s : plan.steps()) {
            md.append("    ").append(node(s.id())).append("[\"").append(s.title().replace("\"", "'")).append("\"]\n");
        }
        for (Step s : plan.steps()) {
            for (String d : s.dependsOn()) {
                md.append("    ").append(node(d)).append(" --> ").append(node(s.id())).append('\n');
            }
        }
        md.append("```\n\n");
        md.append("## Steps\n\n");
        int n = 1;
        for (String id : plan.topologicalOrder()) {
            Step s = plan.step(id).orElseThrow();
            md.append("### ").append(n++).append(". ").append(s.title()).append(" (`").append(s.id()).append("`)\n\n");
            md.append("- Kind: ").append(kind(s.kind())).append('\n');
            s.role().ifPresent(r -> md.append("- Owner: ").append(r).append('\n'));
            md.append("- Depends on: ").append(s.dependsOn().isEmpty() ? "nothing (starts at once)"
                    : String.join(", ", s.dependsOn().stream().map(d -> "`" + d + "`").toList())).append('\n');
            md.append("- Expected: ").append(RecoveryPlan.human(s.expectedDuration())).append(", from T+")
                    .append(RecoveryPlan.human0(schedule.starts().get(id))).append('\n');
            md.append("- Timeout: ").append(RecoveryPlan.human(s.timeout())).append('\n');
            RetryPolicy r = s.retry();
            md.append("- Retries: ").append(r.maxAttempts() <= 1 ? "none" : (r.maxAttempts() - 1) + " (backoff "
                    + RecoveryPlan.human(r.initialBackoff()) + ", x" + fmt(r.multiplier()) + ", at most "
                    + RecoveryPlan.human(r.maxBackoff()) + ")").append('\n');
            s.compensationDescription().ifPresent(c -> md.append("- On a later failure: ").append(c).append('\n'));
            md.append('\n');
            if (!s.description().isBlank()) {
                md.append(s.description().strip()).append("\n\n");
            }
            if (!s.instructions().isEmpty()) {
                md.append("By hand, when the automation is unavailable:\n\n");
                int i = 1;
                for (String line : s.instructions()) {
                    md.append(i++).append(". ").append(line).append('\n');
                }
                md.append('\n');
            }
        }
        md.append("## After the recovery\n\n");
        md.append("Every run writes a report (JSON and Markdown) with the timeline, each step's outcome, the achieved ")
                .append("RTO and RPO against the objectives above, and the post-mortem skeleton: timeline, root cause, ")
                .append("impact, actions taken, lessons learned, action items. Publish the post-mortem within 48 hours.\n");
        return md.toString();
    }

    private static void objectives(StringBuilder md, RecoveryPlan plan, Objectives objectives) {
        if (plan.rtoComponents().isEmpty() && plan.rpoComponents().isEmpty()) {
            return;
        }
        md.append("## Objectives\n\n| Objective | Component | Target | Measured as |\n|---|---|---|---|\n");
        for (Component c : Component.values()) {
            if (plan.rtoComponents().contains(c)) {
                md.append("| RTO | ").append(c.label()).append(" | ").append(target(objectives.rto(c).orElse(null)))
                        .append(" | incident declared → service verified healthy |\n");
            }
        }
        for (Component c : Component.values()) {
            if (plan.rpoComponents().contains(c)) {
                md.append("| RPO | ").append(c.label()).append(" | ").append(target(objectives.rpo(c).orElse(null)))
                        .append(" | incident time − point the data was recovered to |\n");
            }
        }
        md.append('\n');
    }

    private static String target(Duration d) {
        return d == null ? "not set" : d.isZero() ? "0 (no loss)" : RecoveryPlan.human(d);
    }

    private static String kind(StepKind k) {
        return switch (k) {
            case ACTION -> "action";
            case APPROVAL -> "approval point (a person decides)";
            case VERIFICATION -> "verification (health checks)";
            case MONITOR -> "monitoring";
        };
    }

    private static String node(String id) {
        return id.replace('-', '_');
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
