package io.dr4j.core.deploy;

import java.time.Duration;
import java.util.List;

import io.dr4j.core.health.HealthCheck;

/**
 * How to roll back.
 *
 * @param toRevision the revision to go back to, or 0 for the previous one ({@code kubectl rollout undo} semantics)
 * @param dryRun     only say what would change
 * @param healthGate checks that must be UP afterwards
 * @param deadline   how long to wait for health
 */
public record RollbackRequest(long toRevision, boolean dryRun, List<HealthCheck> healthGate, Duration deadline) {
    public RollbackRequest {
        if (toRevision < 0) {
            throw new IllegalArgumentException("toRevision must be >= 0 (0 = previous), was " + toRevision);
        }
        healthGate = List.copyOf(healthGate);
    }

    public static RollbackRequest toPrevious() {
        return new RollbackRequest(0, false, List.of(), Duration.ofMinutes(5));
    }

    public static RollbackRequest toRevision(long revision) {
        return new RollbackRequest(revision, false, List.of(), Duration.ofMinutes(5));
    }

    public RollbackRequest asDryRun() {
        return new RollbackRequest(toRevision, true, healthGate, deadline);
    }

    public RollbackRequest withDeadline(Duration d) {
        return new RollbackRequest(toRevision, dryRun, healthGate, d);
    }

    public RollbackRequest withHealthGate(List<HealthCheck> checks) {
        return new RollbackRequest(toRevision, dryRun, checks, deadline);
    }
}
