package io.dr4j.core.storage;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** A storage operation failed. Subclasses say why when the reason is one a caller can act on. */
public class StorageException extends DrException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
