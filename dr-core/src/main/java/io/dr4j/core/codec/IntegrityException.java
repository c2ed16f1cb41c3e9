package io.dr4j.core.codec;

import io.dr4j.core.storage.StorageException;

/**
 * Stored data does not match what was recorded when it was written: a corrupt, truncated, swapped or tampered
 * object. Names the object and both hashes (or sizes).
 */
public class IntegrityException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final String object;

    public IntegrityException(String object, String message) {
        super(message);
        this.object = object;
    }

    public IntegrityException(String object, String message, Throwable cause) {
        super(message, cause);
        this.object = object;
    }

    /** The object that failed. */
    public String object() {
        return object;
    }
}
