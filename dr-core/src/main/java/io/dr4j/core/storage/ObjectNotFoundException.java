package io.dr4j.core.storage;

import org.jspecify.annotations.Nullable;

/** The object does not exist. */
public class ObjectNotFoundException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ObjectNotFoundException(String key, String where) {
        this(key, where, null);
    }

    public ObjectNotFoundException(String key, String where, @Nullable Throwable cause) {
        super("Object " + key + " does not exist in " + where, cause);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
