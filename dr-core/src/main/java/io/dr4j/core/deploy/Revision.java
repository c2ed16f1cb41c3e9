package io.dr4j.core.deploy;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a service's deployment history.
 *
 * @param number      revision number, increasing (Kubernetes {@code deployment.kubernetes.io/revision}, or dr4j's own
 *                    counter for Docker)
 * @param image       the image deployed (with digest where known)
 * @param createdAt   when it was deployed
 * @param changeCause why (the {@code kubernetes.io/change-cause} annotation or the deploy call's reason)
 * @param current     whether this revision is the one running now
 * @param details     implementation facts (container id, ReplicaSet name, ...)
 */
public record Revision(long number, String image, @Nullable Instant createdAt, @Nullable String changeCause,
                       boolean current, Map<String, String> details) {
    public Revision {
        Objects.requireNonNull(image, "image");
        details = Map.copyOf(details);
    }
}
