package io.dr4j.core.backup;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** The repository is missing, belongs to another system, or its metadata is unreadable. */
public class RepositoryException extends DrException {
    private static final long serialVersionUID = 1L;

    public RepositoryException(String message) {
        super(message);
    }

    public RepositoryException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
