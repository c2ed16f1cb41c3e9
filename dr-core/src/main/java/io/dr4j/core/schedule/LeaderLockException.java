package io.dr4j.core.schedule;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** The lock service (database, Kubernetes API) could not be asked; no lock is held. */
public class LeaderLockException extends DrException {
    private static final long serialVersionUID = 1L;

    public LeaderLockException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
