package io.dr4j.core.codec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * Checks and counts what is read; at end of stream compares with the expected size and checksum and throws
 * {@link IntegrityException} naming the object on a mismatch. A caller that stops before the end gets no verdict:
 * read to the end (restores do).
 * <p>
 * The checksum is the object's CRC-32C when one is expected (restores: backups record it beside the SHA-256, and the
 * CPU's CRC32 instruction checks it at tens of GB/s, where SHA-256 took a third of a restore's CPU), else its SHA-256
 * ({@code dr verify}, backups made before CRC-32C was recorded, and restores asked for it). Either is on top of what
 * the layers below check: zstd's frame checksum, gzip's CRC-32, the encryption's authentication tags.
 * When SHA-256 is checked, an object of {@link #PIPELINED_FROM} bytes or more is hashed on a thread of its own (when
 * the machine has more than one core) while the caller goes on with the bytes read; the verdict comes at the same
 * point, the end of the stream.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final String object;
    private final @Nullable String expectedSha256;
    private final @Nullable String expectedCrc32c;
    private final long expectedSize;
    /** At most one of these checks: the CRC, the pipelined digest for large objects, else this thread's digest. */
    private final java.util.zip.@Nullable CRC32C crc32c;
    private final @Nullable MessageDigest sha256;
    private final @Nullable PipelinedDigest pipelined;
    private long size;
    private boolean verified;

    /** Objects from this size on are hashed on a second thread (a WAL segment, 16 MiB, is not). */
    public static final long PIPELINED_FROM = 64L << 20;

    /** Checks the size and the SHA-256 (when not null). */
    public VerifyingInputStream(InputStream in, String object, @Nullable String expectedSha256, long expectedSize) {
        this(in, object, expectedSha256, null, expectedSize);
    }

    /**
     * Checks the size and the CRC-32C when {@code expectedCrc32c} is not null, else the SHA-256 when
     * {@code expectedSha256} is not null.
     */
    public VerifyingInputStream(InputStream in, String object, @Nullable String expectedSha256,
                                @Nullable String expectedCrc32c, long expectedSize) {
        super(in);
        this.object = object;
        this.expectedCrc32c = expectedCrc32c;
        this.expectedSha256 = expectedCrc32c == null ? expectedSha256 : null;
        this.expectedSize = expectedSize;
        this.crc32c = expectedCrc32c != null ? new java.util.zip.CRC32C() : null;
        this.pipelined = this.expectedSha256 != null && expectedSize >= PIPELINED_FROM
                && Runtime.getRuntime().availableProcessors() > 1 ? new PipelinedDigest() : null;
        this.sha256 = pipelined == null && this.expectedSha256 != null ? EncodingOutputStream.newSha256() : null;
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
        if (crc32c != null) {
            crc32c.update(b, off, n);
        } else if (pipelined != null) {
            pipelined.update(b, off, n);
        } else if (sha256 != null) {
            EncodingOutputStream.hash(sha256, b, off, n);
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
        if (crc32c != null) {
            String actual = EncodingOutputStream.crc32cHex(crc32c);
            if (!actual.equalsIgnoreCase(java.util.Objects.requireNonNull(expectedCrc32c))) {
                throw new IntegrityException(object, "Checksum mismatch in " + object + ": expected CRC-32C "
                        + expectedCrc32c + ", actual " + actual);
            }
        } else if (expectedSha256 != null) {
            String actual = HexFormat.of().formatHex(pipelined != null ? pipelined.digest() : java.util.Objects.requireNonNull(sha256).digest());
            if (!actual.equalsIgnoreCase(expectedSha256)) {
                throw new IntegrityException(object, "Checksum mismatch in " + object + ": expected SHA-256 "
                        + expectedSha256 + ", actual " + actual);
            }
        }
    }
}
