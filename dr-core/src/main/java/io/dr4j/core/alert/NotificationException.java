package io.dr4j.core.alert;

import io.dr4j.core.DrException;

import org.jspecify.annotations.Nullable;

/** An alert could not be delivered to a channel. */
public class NotificationException extends DrException {
    private static final long serialVersionUID = 1L;

    public NotificationException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
