package io.dr4j.core.storage;

import org.jspecify.annotations.Nullable;

/** The store refused the operation for lack of permission; the message names what is needed. */
public class AccessDeniedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public AccessDeniedException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
