package io.dr4j.core.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream over another one whose subclass sees every byte in blocks: it implements only
 * {@link #read(byte[], int, int)} (to count, check, resume or break what passes), and single-byte reads and
 * {@link #skip} go through that method too, so no byte bypasses it (unlike {@link java.io.FilterInputStream}, whose
 * {@code read()} and {@code skip} go straight to the wrapped stream). {@link #available()} and {@link #close()}
 * reach the wrapped stream. For decorators of {@link BackupTarget#get} streams and for plugin authors.
 */
public abstract class BlockInputStream extends InputStream {
    /** The wrapped stream; a subclass that resumes a broken read on a new stream replaces it. */
    protected InputStream in;

    protected BlockInputStream(InputStream in) {
        this.in = in;
    }

    /** Reads a block of one byte through {@link #read(byte[], int, int)}. */
    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
