package io.dr4j.core.spi;

import io.dr4j.core.DrException;

/** More than one installed provider handles what was asked for at the same priority. */
public class AmbiguousProviderException extends DrException {
    private static final long serialVersionUID = 1L;

    public AmbiguousProviderException(String message) {
        super(message);
    }
}
