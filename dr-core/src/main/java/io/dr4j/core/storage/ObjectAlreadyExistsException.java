package io.dr4j.core.storage;

import org.jspecify.annotations.Nullable;

/** A create-only write met an existing object; the existing object was left untouched. */
public class ObjectAlreadyExistsException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ObjectAlreadyExistsException(String key, String where) {
        this(key, where, null);
    }

    public ObjectAlreadyExistsException(String key, String where, @Nullable Throwable cause) {
        super("Object " + key + " already exists in " + where
                + "; objects are written once and never overwritten", cause);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
