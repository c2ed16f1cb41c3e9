package io.dr4j.postgres.wal;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** WAL archiving failed in a way retrying cannot fix (wrong repository, missing WAL, conflicting content). */
public class WalArchiverException extends DrException {
    private static final long serialVersionUID = 1L;

    public WalArchiverException(String message) {
        super(message);
    }

    public WalArchiverException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
