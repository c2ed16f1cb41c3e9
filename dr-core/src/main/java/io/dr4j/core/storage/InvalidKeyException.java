package io.dr4j.core.storage;

/** A key that is not a safe relative object key (e.g. {@code ..}, absolute, NUL, backslash). */
public class InvalidKeyException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidKeyException(String message) {
        super(message);
    }
}
