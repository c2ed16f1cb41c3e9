package io.dr4j.core.deploy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a deploy or rollback did.
 *
 * @param service      the service
 * @param outcome      what happened
 * @param fromRevision the revision running before, if any
 * @param toRevision   the revision running after (after an automatic rollback: the previous one again)
 * @param message      one human sentence
 * @param phases       how long each phase took, in order (e.g. create, stop-old, start, health, rollback)
 * @param total        total duration
 */
public record DeploymentResult(String service, Outcome outcome, @Nullable Revision fromRevision,
                               @Nullable Revision toRevision, String message, Map<String, Duration> phases,
                               Duration total) {

    public enum Outcome {
        /** The new version runs and is healthy. */
        DEPLOYED,
        /** The new version was unhealthy and the previous one was restored. */
        ROLLED_BACK,
        /** An explicit rollback succeeded. */
        ROLLBACK_COMPLETED,
        /** Nothing changed (already at that version / template). */
        UNCHANGED,
        /** A dry run: nothing was changed, the message says what would be. */
        DRY_RUN,
        /** It failed and could not be rolled back: needs a person. */
        FAILED
    }

    public DeploymentResult {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(message, "message");
        phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        Objects.requireNonNull(total, "total");
    }

    public boolean isSuccess() {
        return outcome == Outcome.DEPLOYED || outcome == Outcome.ROLLBACK_COMPLETED || outcome == Outcome.UNCHANGED
                || outcome == Outcome.DRY_RUN;
    }
}
