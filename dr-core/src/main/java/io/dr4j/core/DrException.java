package io.dr4j.core;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception dr4j throws. All are unchecked; the cause is always kept.
 *
 * <p>Messages say what was attempted, on what (secrets redacted) and what to do next.
 */
public abstract class DrException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected DrException(String message) {
        super(message);
    }

    protected DrException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
