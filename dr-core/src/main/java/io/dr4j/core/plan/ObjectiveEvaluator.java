package io.dr4j.core.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Measures a run against its objectives. Achieved RTO = incident declared → the last verification step succeeded
 * (only when the plan succeeded). Achieved RPO = incident time − the oldest recovered-to point any step reported.
 */
public final class ObjectiveEvaluator {
    private ObjectiveEvaluator() {
    }

    /**
     * @param verifiedHealthyAt RTO end, null when the service was never verified healthy
     * @param recoveredTo       RPO basis, null when no step reported one
     * @param verdicts          one verdict per RTO and RPO component of the plan
     */
    public record Evaluation(@Nullable Instant verifiedHealthyAt, @Nullable Instant recoveredTo,
                             List<ObjectiveVerdict> verdicts) {
    }

    public static Evaluation evaluate(RecoveryPlan plan, Objectives objectives, PlanStatus status, Instant incidentAt,
                                      Instant declaredAt, List<StepResult> steps) {
        Instant healthy = null;
        boolean hasVerification = false;
        Instant recoveredTo = null;
        String recoveredBy = null;
        for (StepResult r : steps) {
            Optional<Step> step = plan.step(r.stepId());
            if (step.isEmpty()) {
                continue;
            }
            boolean ok = r.status() == StepStatus.SUCCEEDED;
            if (step.get().kind() == StepKind.VERIFICATION) {
                hasVerification = true;
                if (ok && (healthy == null || r.finishedAt().isAfter(healthy))) {
                    healthy = r.finishedAt();
                }
            }
            if ((ok || r.status() == StepStatus.COMPENSATED) && r.output() != null && r.output().recoveredTo() != null) {
                Instant t = r.output().recoveredTo();
                if (recoveredTo == null || t.isBefore(recoveredTo)) {
                    recoveredTo = t;
                    recoveredBy = r.stepId();
                }
            }
        }
        if (status != PlanStatus.SUCCEEDED) {
            healthy = null;
        }
        List<ObjectiveVerdict> verdicts = new ArrayList<>();
        for (Component c : Component.values()) {
            if (!plan.rtoComponents().contains(c)) {
                continue;
            }
            Duration target = objectives.rto(c).orElse(null);
            if (healthy == null) {
                String basis = !hasVerification ? "the plan has no verification step, so 'verified healthy' is unknown"
                        : "the service was not verified healthy: the plan ended " + status;
                verdicts.add(new ObjectiveVerdict(ObjectiveVerdict.Kind.RTO, c, target, null,
                        hasVerification ? ObjectiveVerdict.Verdict.MISSED : ObjectiveVerdict.Verdict.NOT_MEASURED, basis));
                continue;
            }
            Duration achieved = Duration.between(declaredAt, healthy);
            verdicts.add(verdict(ObjectiveVerdict.Kind.RTO, c, target, achieved,
                    "incident declared " + declaredAt + " → verified healthy " + healthy));
        }
        for (Component c : Component.values()) {
            if (!plan.rpoComponents().contains(c)) {
                continue;
            }
            Duration target = objectives.rpo(c).orElse(null);
            if (recoveredTo == null) {
                verdicts.add(new ObjectiveVerdict(ObjectiveVerdict.Kind.RPO, c, target, null,
                        ObjectiveVerdict.Verdict.NOT_MEASURED, "no step reported the point the data was recovered to"));
                continue;
            }
            Duration achieved = Duration.between(recoveredTo, incidentAt);
            if (achieved.isNegative()) {
                achieved = Duration.ZERO;
            }
            verdicts.add(verdict(ObjectiveVerdict.Kind.RPO, c, target, achieved,
                    "incident " + incidentAt + " − recovered to " + recoveredTo + " (step '" + recoveredBy + "')"));
        }
        return new Evaluation(healthy, recoveredTo, verdicts);
    }

    private static ObjectiveVerdict verdict(ObjectiveVerdict.Kind kind, Component c, @Nullable Duration target,
                                            Duration achieved, String basis) {
        if (target == null) {
            return new ObjectiveVerdict(kind, c, null, achieved, ObjectiveVerdict.Verdict.NOT_MEASURED,
                    basis + "; no objective configured");
        }
        return new ObjectiveVerdict(kind, c, target, achieved, achieved.compareTo(target) <= 0
                ? ObjectiveVerdict.Verdict.MET : ObjectiveVerdict.Verdict.MISSED, basis);
    }
}
