package io.dr4j.core.restore;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** A restore could not be done; the message says why and what to do. */
public class RestoreFailedException extends DrException {
    private static final long serialVersionUID = 1L;

    public RestoreFailedException(String message) {
        super(message);
    }

    public RestoreFailedException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
