package io.dr4j.core.codec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * Hashes and counts what is read; at end of stream compares with the expected SHA-256 and size and throws
 * {@link IntegrityException} naming the object on a mismatch. A caller that stops before the end gets no
 * verdict: read to the end (restores do). An object of {@link #PIPELINED_FROM} bytes or more is hashed on a thread
 * of its own (when the machine has more than one core) while the caller goes on with the bytes read; the verdict
 * comes at the same point, the end of the stream.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final String object;
    private final @Nullable String expectedSha256;
    private final long expectedSize;
    /** Exactly one of these hashes: the pipelined one for large objects, else this thread's digest. */
    private final @Nullable MessageDigest sha256;
    private final @Nullable PipelinedDigest pipelined;
    private long size;
    private boolean verified;

    /** Objects from this size on are hashed on a second thread (a WAL segment, 16 MiB, is not). */
    public static final long PIPELINED_FROM = 64L << 20;

    public VerifyingInputStream(InputStream in, String object, @Nullable String expectedSha256, long expectedSize) {
        super(in);
        this.object = object;
        this.expectedSha256 = expectedSha256;
        this.expectedSize = expectedSize;
        this.pipelined = expectedSha256 != null && expectedSize >= PIPELINED_FROM
                && Runtime.getRuntime().availableProcessors() > 1 ? new PipelinedDigest() : null;
        this.sha256 = pipelined == null ? EncodingOutputStream.newSha256() : null;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IntegrityException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (e instanceof io.dr4j.core.DrException de) {
                throw de;
            }
            throw new IntegrityException(object, "Object " + object + " could not be decoded (corrupt or truncated): "
                    + e.getMessage(), e);
        }
        if (n < 0) {
            verify();
            return -1;
        }
        if (pipelined != null) {
            pipelined.update(b, off, n);
        } else {
            EncodingOutputStream.hash(java.util.Objects.requireNonNull(sha256), b, off, n);
        }
        size += n;
        if (expectedSize >= 0 && size > expectedSize) {
            stopHashing();
            throw new IntegrityException(object, "Object " + object + " is longer than recorded: expected "
                    + expectedSize + " bytes, read " + size + " so far");
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0) {
            int r = read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - left;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            stopHashing();
        }
    }

    private void stopHashing() {
        if (pipelined != null) {
            pipelined.close();
        }
    }

    private void verify() throws IOException {
        if (verified) {
            return;
        }
        verified = true;
        if (expectedSize >= 0 && size != expectedSize) {
            stopHashing();
            throw new IntegrityException(object, "Object " + object + " has the wrong size: expected " + expectedSize
                    + " bytes, got " + size + " (truncated or corrupt)");
        }
        if (expectedSha256 != null) {
            String actual = HexFormat.of().formatHex(pipelined != null ? pipelined.digest() : java.util.Objects.requireNonNull(sha256).digest());
            if (!actual.equalsIgnoreCase(expectedSha256)) {
                throw new IntegrityException(object, "Checksum mismatch in " + object + ": expected SHA-256 "
                        + expectedSha256 + ", actual " + actual);
            }
        }
    }
}
