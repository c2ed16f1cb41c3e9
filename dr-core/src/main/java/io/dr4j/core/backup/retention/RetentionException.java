package io.dr4j.core.backup.retention;

import io.dr4j.core.DrException;

/** A retention policy would do something unsafe (e.g. delete every backup); nothing was deleted. */
public class RetentionException extends DrException {
    private static final long serialVersionUID = 1L;

    public RetentionException(String message) {
        super(message);
    }
}
