package io.dr4j.core.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A stream that becomes an object only when {@link #commit()} succeeds. {@link #close()} without a commit aborts:
 * whatever was written is discarded and nothing is left behind (no temp file, no multipart upload).
 * Use it in try-with-resources so that an exception aborts the write.
 */
public abstract class ObjectWriter extends OutputStream {

    /**
     * Makes the object visible, durably. After it returns the writer is closed.
     *
     * @return what was stored
     * @throws ObjectAlreadyExistsException when the write was create-only and the key appeared meanwhile
     */
    public abstract ObjectInfo commit() throws IOException;

    /** Discards the object. Idempotent; a no-op after {@link #commit()}. */
    public abstract void abort();

    /** Aborts unless committed. */
    @Override
    public void close() {
        abort();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }
}
