package io.dr4j.core.deploy;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** A deploy or rollback request could not be carried out (unknown service, no history, platform unreachable). */
public class DeploymentException extends DrException {
    private static final long serialVersionUID = 1L;

    public DeploymentException(String message) {
        super(message);
    }

    public DeploymentException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
