package io.dr4j.core.backup;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** A backup did not complete; no backup became visible. The message says why and what to do. */
public class BackupFailedException extends DrException {
    private static final long serialVersionUID = 1L;

    public BackupFailedException(String message) {
        super(message);
    }

    public BackupFailedException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
