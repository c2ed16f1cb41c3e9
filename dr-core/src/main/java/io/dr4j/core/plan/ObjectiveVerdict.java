package io.dr4j.core.plan;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An achieved RTO or RPO compared with its objective.
 *
 * @param kind      RTO or RPO
 * @param component the component
 * @param objective the target, null when none is configured
 * @param achieved  what the run achieved, null when it could not be measured
 * @param verdict   met, missed or not measured
 * @param basis     how it was measured, one sentence (e.g. "declared 10:00:00Z -> verified healthy 10:07:12Z")
 */
public record ObjectiveVerdict(Kind kind, Component component, @Nullable Duration objective,
                               @Nullable Duration achieved, Verdict verdict, String basis) {
    public enum Kind { RTO, RPO }

    public enum Verdict { MET, MISSED, NOT_MEASURED }

    public ObjectiveVerdict {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(basis, "basis");
    }
}
