package io.dr4j.core.deploy;

import java.util.List;

/**
 * Deploys versions of an application and rolls them back, with a revision history and a health gate.
 * Implementations: Docker (dr-deploy-docker), Kubernetes (dr-deploy-k8s).
 *
 * <p>Failures to deploy the new version are not exceptions: {@link #deploy} returns
 * {@link DeploymentResult.Outcome#ROLLED_BACK} or {@code FAILED}. Exceptions ({@link DeploymentException}) mean the
 * request itself was wrong or the platform unreachable, and nothing was changed.
 */
public interface Deployer extends AutoCloseable {

    /** Short id, e.g. {@code "docker"}, {@code "k8s"}. */
    String id();

    /** Deploys {@code spec.image()} to {@code spec.service()}, waits for health, rolls back on failure. */
    DeploymentResult deploy(DeploymentSpec spec);

    /** The service's revisions, oldest first. */
    List<Revision> history(String service);

    /** Rolls back to the previous revision. */
    default DeploymentResult rollback(String service) {
        return rollback(service, RollbackRequest.toPrevious());
    }

    /** Rolls back as requested: to the previous or a given revision, optionally as a dry run. */
    DeploymentResult rollback(String service, RollbackRequest request);

    @Override
    default void close() {
    }
}
