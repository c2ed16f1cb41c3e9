package io.dr4j.core.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.dr4j.core.health.CompositeHealthCheck;
import io.dr4j.core.health.HealthCheck;
import io.dr4j.core.health.HealthResult;
import io.dr4j.core.health.HealthStatus;

/**
 * Generic steps: {@link #approval approval points}, {@link #verify verification} with health checks and
 * {@link #monitor monitoring}. The returned builders can be refined (dependencies, timeout, role) before building.
 */
public final class Steps {
    private Steps() {
    }

    /** An approval point: asks the run's {@link Approver} {@code question}; refused stops the plan. */
    public static Step.Builder approval(String id, String title, String question) {
        Objects.requireNonNull(question, "question");
        return Step.builder(id).title(title).kind(StepKind.APPROVAL).timeout(Duration.ofHours(1))
                .expectedDuration(Duration.ofMinutes(5))
                .description("A person decides: \"" + question + "\" The plan waits for the answer; a refusal stops it.")
                .action(ctx -> {
                    ApprovalDecision d = ctx.requestApproval(question);
                    return StepOutput.of("approved by " + d.by() + ": " + d.reason(),
                            Map.of("approvedBy", d.by(), "reason", d.reason()));
                });
    }

    /**
     * Verification: runs {@code checks} (each bounded by its own timeout, in parallel) and fails unless all are UP.
     * Retried by the step's policy (services take a moment to come up): use {@link Step.Builder#retry}.
     */
    public static Step.Builder verify(String id, String title, List<HealthCheck> checks) {
        return verify(id, title, checks, false);
    }

    /** Like {@link #verify(String, String, List)}; {@code acceptDegraded} lets DEGRADED pass. */
    public static Step.Builder verify(String id, String title, List<HealthCheck> checks, boolean acceptDegraded) {
        List<HealthCheck> list = List.copyOf(checks);
        return Step.builder(id).title(title).kind(StepKind.VERIFICATION).timeout(Duration.ofMinutes(5))
                .expectedDuration(Duration.ofSeconds(30))
                .retry(RetryPolicy.exponential(5, Duration.ofSeconds(2)))
                .description("Health checks must all be UP" + (acceptDegraded ? " (or DEGRADED)" : "") + ": "
                        + names(list) + ".")
                .action(ctx -> check(list, acceptDegraded));
    }

    /**
     * Monitoring after recovery: runs {@code checks} every {@code interval} for {@code window}; fails at the first
     * round that is not all UP.
     */
    public static Step.Builder monitor(String id, String title, List<HealthCheck> checks, Duration window,
                                       Duration interval) {
        List<HealthCheck> list = List.copyOf(checks);
        return Step.builder(id).title(title).kind(StepKind.MONITOR).expectedDuration(window)
                .timeout(window.plus(window.dividedBy(2)).plusMinutes(1))
                .description("Watch " + names(list) + " every " + RecoveryPlan.human(interval) + " for "
                        + RecoveryPlan.human(window) + "; any check not UP fails the step.")
                .action(ctx -> {
                    long end = System.nanoTime() + window.toNanos();
                    int rounds = 0;
                    while (true) {
                        ctx.checkCancelled();
                        check(list, false);
                        rounds++;
                        ctx.progress("monitoring: round " + rounds + " all UP");
                        long left = end - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        Thread.sleep(Math.max(1, Math.min(left, interval.toNanos()) / 1_000_000));
                    }
                    return StepOutput.of("all checks stayed UP for " + RecoveryPlan.human(window) + " (" + rounds
                            + " rounds)", Map.of("rounds", Integer.toString(rounds)));
                });
    }

    static StepOutput check(List<HealthCheck> checks, boolean acceptDegraded) {
        if (checks.isEmpty()) {
            throw StepFailedException.permanent("No health checks configured: a verification without checks proves "
                    + "nothing. Pass at least one HealthCheck");
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        for (HealthCheck c : checks) {
            HealthResult r = CompositeHealthCheck.runBounded(c);
            values.put(c.name(), r.status().name());
            boolean ok = r.status() == HealthStatus.UP || (acceptDegraded && r.status() == HealthStatus.DEGRADED);
            if (!ok) {
                bad.add(c.name() + " " + r.status() + ": " + r.message());
            }
        }
        if (!bad.isEmpty()) {
            throw new StepFailedException("Not healthy: " + String.join("; ", bad));
        }
        return StepOutput.of(checks.size() + " health checks UP: " + names(checks), values);
    }

    private static String names(List<HealthCheck> checks) {
        return String.join(", ", checks.stream().map(HealthCheck::name).toList());
    }
}
