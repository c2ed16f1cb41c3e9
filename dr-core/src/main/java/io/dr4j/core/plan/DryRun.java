package io.dr4j.core.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Text of a dry run: order, parallel groups, expected timing, approvals, missing inputs. */
final class DryRun {
    private DryRun() {
    }

    static String render(RecoveryPlan plan, RunRequest request, Objectives objectives) {
        StringBuilder out = new StringBuilder();
        out.append("DRY RUN of plan '").append(plan.id()).append("' (").append(plan.title())
                .append("): nothing is executed\n");
        List<String> missing = new ArrayList<>();
        for (PlanInput in : plan.inputs()) {
            if (in.required() && !request.inputs().containsKey(in.name())) {
                missing.add(in.name());
            }
        }
        if (!missing.isEmpty()) {
            out.append("MISSING INPUTS (a real run would be refused): ").append(String.join(", ", missing)).append('\n');
        }
        PlanSchedule schedule = plan.expectedSchedule();
        out.append("Expected duration: ").append(RecoveryPlan.human(schedule.total())).append(" (critical path: ")
                .append(String.join(" -> ", schedule.criticalPath())).append(")\n");
        for (Component c : plan.rtoComponents()) {
            objectives.rto(c).ifPresent(d -> out.append("RTO objective ").append(c.label()).append(": ")
                    .append(RecoveryPlan.human(d)).append(schedule.total().compareTo(d) > 0
                            ? "  WARNING: the expected duration exceeds it" : "").append('\n'));
        }
        out.append(String.format(Locale.ROOT, "%-10s %-10s %-28s %-10s %-10s %-8s %s%n", "start", "expected", "step",
                "timeout", "attempts", "kind", "depends on"));
        for (String id : plan.topologicalOrder()) {
            Step s = plan.step(id).orElseThrow();
            Duration start = schedule.starts().get(id);
            out.append(String.format(Locale.ROOT, "%-10s %-10s %-28s %-10s %-10d %-8s %s%n",
                    "T+" + RecoveryPlan.human0(start), RecoveryPlan.human(s.expectedDuration()), id,
                    RecoveryPlan.human(s.timeout()), s.retry().maxAttempts(), s.kind().name().toLowerCase(Locale.ROOT),
                    s.dependsOn().isEmpty() ? "-" : String.join(", ", s.dependsOn())));
            out.append("           ").append(s.title()).append(s.kind() == StepKind.APPROVAL
                    ? "  [a person must approve]" : "").append(s.compensation().isPresent()
                    ? "  [compensation: " + s.compensationDescription().orElse("") + "]" : "").append('\n');
        }
        return out.toString();
    }
}
