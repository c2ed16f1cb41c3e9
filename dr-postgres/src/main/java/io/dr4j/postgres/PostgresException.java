package io.dr4j.postgres;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** A PostgreSQL cluster could not be reached or is not usable as asked; the message names the fix. */
public class PostgresException extends DrException {
    private static final long serialVersionUID = 1L;

    public PostgresException(String message) {
        super(message);
    }

    public PostgresException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
