package io.dr4j.core.codec;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** The configured key cannot decrypt the repository. Nothing was written or returned. */
public class WrongKeyException extends DrException {
    private static final long serialVersionUID = 1L;

    public WrongKeyException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
