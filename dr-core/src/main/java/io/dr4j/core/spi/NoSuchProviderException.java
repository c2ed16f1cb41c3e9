package io.dr4j.core.spi;

import io.dr4j.core.DrException;

/** No installed provider handles what was asked for. The message lists what is installed and what to add. */
public class NoSuchProviderException extends DrException {
    private static final long serialVersionUID = 1L;

    public NoSuchProviderException(String message) {
        super(message);
    }
}
