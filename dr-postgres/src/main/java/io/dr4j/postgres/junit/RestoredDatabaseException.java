package io.dr4j.postgres.junit;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** A backup could not be restored for a test: no backup, wrong key, no scratch server, or the restore failed. */
public final class RestoredDatabaseException extends DrException {
    private static final long serialVersionUID = 1L;

    public RestoredDatabaseException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
