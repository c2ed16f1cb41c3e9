package io.dr4j.core.storage;

import org.jspecify.annotations.Nullable;

/** The store ran out of space or quota while writing; the partial object was removed. */
public class InsufficientStorageException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InsufficientStorageException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
