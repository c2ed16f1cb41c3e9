package io.dr4j.core.codec;

import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The SHA-256 of a stream, computed on a thread of its own while the caller goes on with the bytes (a restore that
 * checks SHA-256s, {@code verify --read-data}: the next MiB is decompressed and written while the previous one is
 * hashed). Bytes are copied into a few 1 MiB chunks
 * handed to the hashing thread and handed back once hashed, so memory stays at {@code 4 × 1 MiB} and a caller that
 * is faster than the hashing waits for it. Used for large objects only (see {@link VerifyingInputStream}): on a
 * data directory with one or two large relations the restore of the last large file ran on one core, with hashing
 * about half of that core's work.
 */
final class PipelinedDigest implements AutoCloseable {
    static final int CHUNK = 1 << 20;
    private static final int CHUNKS = 4;

    private record Chunk(byte[] data, int length) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0);

    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    private final BlockingQueue<Chunk> full = new LinkedBlockingQueue<>();
    private final MessageDigest sha256 = EncodingOutputStream.newSha256();
    private final Thread thread;
    private byte @Nullable [] current;
    private int filled;
    private int allocated;
    private volatile byte @Nullable [] digest;
    private volatile @Nullable Throwable failure;

    PipelinedDigest() {
        thread = new Thread(this::hashChunks, "dr4j-verify");
        thread.setDaemon(true);
        thread.start();
    }

    private void hashChunks() {
        try {
            while (true) {
                Chunk c = full.take();
                if (c == END) {
                    digest = sha256.digest();
                    return;
                }
                EncodingOutputStream.hash(sha256, c.data(), 0, c.length());
                free.add(c.data());
            }
        } catch (InterruptedException e) {
            // closed before the end of the stream: no digest
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    /** Adds bytes to the digest (copied: {@code b} may be reused as soon as this returns). */
    void update(byte[] b, int off, int len) throws InterruptedIOException {
        while (len > 0) {
            byte[] chunk = current;
            if (chunk == null) {
                chunk = current = nextFree();
                filled = 0;
            }
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == CHUNK) {
                full.add(new Chunk(chunk, filled));
                current = null;
            }
        }
    }

    private byte[] nextFree() throws InterruptedIOException {
        byte[] b = free.poll();
        if (b != null) {
            return b;
        }
        if (allocated < CHUNKS) { // allocated on demand: a stream shorter than expected never touches all of them
            allocated++;
            return new byte[CHUNK];
        }
        try {
            while ((b = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
                checkAlive();
            }
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for the SHA-256 of a stream");
        }
    }

    private void checkAlive() {
        Throwable f = failure;
        if (f != null || !thread.isAlive()) {
            throw new IllegalStateException("Hashing thread failed: " + f, f);
        }
    }

    /** Waits until every byte is hashed and returns the digest; the stream must not be updated afterwards. */
    byte[] digest() throws InterruptedIOException {
        byte[] chunk = current;
        if (chunk != null && filled > 0) {
            full.add(new Chunk(chunk, filled));
        }
        current = null;
        full.add(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for the SHA-256 of a stream");
        }
        byte[] d = digest;
        if (d == null) {
            checkAlive();
            throw new IllegalStateException("Hashing thread ended without a digest");
        }
        return d;
    }

    /** Stops the hashing thread (a no-op after {@link #digest()}). */
    @Override
    public void close() {
        thread.interrupt();
    }
}
