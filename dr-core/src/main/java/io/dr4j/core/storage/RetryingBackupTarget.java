package io.dr4j.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.dr4j.core.codec.IntegrityException;
import io.dr4j.core.codec.WrongKeyException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries transient storage failures of any {@link BackupTarget} with exponential backoff and full jitter.
 *
 * <p>Why a decorator and not retries inside {@code Repository}: a retry must replay the bytes of a failed write or
 * resume a read at the right offset, which is a property of the storage call, not of the repository's codec. As a
 * decorator it wraps every caller (backups, the WAL archive, expiry, verification, locks) at once, composes with
 * {@link MirroredBackupTarget} (each mirror is retried on its own, see {@link #replicas()}) and keeps the repository
 * free of storage policy. Vendor SDKs (S3, GCS) retry single HTTP requests already; this layer covers what they
 * cannot: a whole object write whose commit failed, a read stream that broke halfway.
 *
 * <ul>
 *   <li><b>Never retried</b> (see {@link #isTransient}): {@link IntegrityException}, {@link ObjectAlreadyExistsException},
 *       {@link ObjectNotFoundException}, {@link InvalidKeyException}, {@link AccessDeniedException},
 *       {@link InsufficientStorageException}, {@link WrongKeyException} and anything that is not a storage or I/O
 *       failure. Retrying those cannot succeed or would hide a real problem.</li>
 *   <li><b>Reads</b>: opening is retried; a stream that fails halfway is reopened at the offset reached
 *       (a ranged {@code get}), so the caller sees one unbroken stream.</li>
 *   <li><b>Writes</b>: the first {@link Builder#replayBuffer(int)} bytes of an object (default 8 MiB) are kept in
 *       memory so that a failed commit is replayed to a new writer. A create-only replay that finds the object
 *       already there (the failed commit had in fact succeeded) compares the stored bytes with its own and succeeds
 *       when they are equal. Larger objects stream straight through (memory stays bounded) and a failure of their
 *       commit is not retried: the caller's session fails cleanly and its leftovers are removed.</li>
 *   <li><b>stat, list, delete</b> are idempotent and retried as they are.</li>
 * </ul>
 */
public final class RetryingBackupTarget extends ForwardingBackupTarget {
    private static final Logger log = LoggerFactory.getLogger(RetryingBackupTarget.class);

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int replayBuffer;
    private final AtomicLong retries = new AtomicLong();

    private RetryingBackupTarget(BackupTarget delegate, Builder b) {
        super(delegate);
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.replayBuffer = b.replayBuffer;
    }

    /** Wraps {@code target} with the defaults: 5 attempts, backoff 200 ms doubling up to 10 s, 8 MiB replay buffer. */
    public static RetryingBackupTarget wrap(BackupTarget target) {
        return builder().build(target);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How many times an operation was retried since this target was created. */
    public long retries() {
        return retries.get();
    }

    /**
     * Whether a failure may go away when the operation is repeated: a {@link StorageException} (or {@link IOException})
     * that is not one of the definite answers listed in the class documentation.
     */
    public static boolean isTransient(Throwable e) {
        if (e instanceof IntegrityException || e instanceof ObjectAlreadyExistsException
                || e instanceof ObjectNotFoundException || e instanceof InvalidKeyException
                || e instanceof AccessDeniedException || e instanceof InsufficientStorageException
                || e instanceof java.io.FileNotFoundException || e instanceof java.nio.file.NoSuchFileException
                || e instanceof InterruptedIOException) {
            return false;
        }
        return e instanceof StorageException || e instanceof IOException || e instanceof java.io.UncheckedIOException;
    }

    @Override
    public ObjectWriter newWriter(String key, WriteOptions options) {
        ObjectKeys.validate(key);
        return new ReplayingWriter(key, options);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        InputStream first = call("get " + key, () -> delegate().get(key, range));
        return new ResumingInputStream(key, range, first);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return call("stat " + key, () -> delegate().stat(key));
    }

    @Override
    public ListPage list(String prefix, @Nullable String continuationToken, int pageSize) {
        return call("list " + prefix, () -> delegate().list(prefix, continuationToken, pageSize));
    }

    @Override
    public List<String> listChildren(String prefix) {
        return call("list " + prefix, () -> delegate().listChildren(prefix));
    }

    @Override
    public void delete(String key) {
        call("delete " + key, () -> {
            delegate().delete(key);
            return null;
        });
    }

    /** The delegate's replicas, each retried on its own (so a corrupt copy still falls through to the next one). */
    @Override
    public List<BackupTarget> replicas() {
        List<BackupTarget> r = delegate().replicas();
        if (r.size() == 1 && r.get(0) == delegate()) {
            return List.of(this);
        }
        Builder b = new Builder().maxAttempts(maxAttempts).backoff(initialBackoff, maxBackoff).replayBuffer(replayBuffer);
        return r.stream().map(t -> (BackupTarget) b.build(t)).toList();
    }

    @Override
    public String toString() {
        return "RetryingBackupTarget[" + delegate().location() + ", " + maxAttempts + " attempts]";
    }

    private <T> T call(String what, Supplier<T> op) {
        RuntimeException last = null;
        for (int attempt = 1; ; attempt++) {
            try {
                return op.get();
            } catch (RuntimeException e) {
                if (!isTransient(e)) {
                    if (last != null) {
                        e.addSuppressed(last);
                    }
                    throw e;
                }
                last = e;
                if (attempt >= maxAttempts) {
                    throw giveUp(what, attempt, e);
                }
                pause(what, attempt, e);
            }
        }
    }

    private StorageException giveUp(String what, int attempts, Throwable e) {
        return new StorageException(what + " on " + delegate().location() + " failed " + attempts + " times; last error: "
                + e.getMessage() + ". Check the storage's availability, then run again", e);
    }

    private void pause(String what, int attempt, Throwable e) {
        retries.incrementAndGet();
        long cap = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(attempt - 1, 20));
        long sleep = cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
        log.warn("{} on {} failed (attempt {} of {}): {}; retrying in {} ms", what, delegate().location(), attempt,
                maxAttempts, e.getMessage(), sleep);
        try {
            Thread.sleep(sleep);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while waiting to retry " + what, ie);
        }
    }

    /** Buffers up to {@link #replayBuffer} bytes so a failed commit can be replayed; beyond that streams through. */
    private final class ReplayingWriter extends ObjectWriter {
        private final String key;
        private final WriteOptions options;
        private byte[] buf = new byte[0];
        private int count;
        private @Nullable ObjectWriter direct;
        private boolean done;

        ReplayingWriter(String key, WriteOptions options) {
            this.key = key;
            this.options = options;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (done) {
                throw new IOException("Writer of " + key + " is closed");
            }
            if (direct == null && (long) count + len > replayBuffer) {
                ObjectWriter w = call("write " + key, () -> delegate().newWriter(key, options));
                try {
                    w.write(buf, 0, count);
                } catch (IOException | RuntimeException e) {
                    w.abort();
                    throw e;
                }
                direct = w;
                buf = new byte[0];
            }
            if (direct != null) {
                direct.write(b, off, len);
                return;
            }
            if (count + len > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(replayBuffer, Math.max((long) count + len, buf.length * 2L + 8192)));
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        @Override
        public ObjectInfo commit() throws IOException {
            if (done) {
                throw new IOException("Writer of " + key + " is closed");
            }
            done = true;
            if (direct != null) {
                return direct.commit();
            }
            boolean[] replay = {false};
            return call("write " + key, () -> {
                boolean again = replay[0];
                replay[0] = true;
                try (ObjectWriter w = delegate().newWriter(key, options)) {
                    w.write(buf, 0, count);
                    return w.commit();
                } catch (ObjectAlreadyExistsException exists) {
                    if (again && sameContent()) {
                        log.info("{}: an earlier attempt had stored it after all; the stored bytes are identical", key);
                        return call("stat " + key, () -> delegate().stat(key)).orElseThrow(() -> exists);
                    }
                    throw exists;
                } catch (IOException e) {
                    throw new StorageException("Could not write " + key + " to " + delegate().location() + ": "
                            + e.getMessage(), e);
                }
            });
        }

        private boolean sameContent() {
            try (InputStream in = get(key)) {
                byte[] stored = in.readNBytes(count + 1);
                return Arrays.equals(stored, 0, stored.length, buf, 0, count);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        @Override
        public void abort() {
            done = true;
            buf = new byte[0];
            if (direct != null) {
                direct.abort();
            }
        }
    }

    /** Reopens the object at the offset reached when the stream fails halfway. */
    private final class ResumingInputStream extends BlockInputStream {
        private final String key;
        private final ByteRange range;
        private long position;
        private int failures;

        ResumingInputStream(String key, ByteRange range, InputStream first) {
            super(first);
            this.key = key;
            this.range = range;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                try {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        position += n;
                    }
                    return n;
                } catch (IOException | StorageException e) {
                    if (!isTransient(e)) {
                        throw e;
                    }
                    failures++;
                    if (failures >= maxAttempts) {
                        throw new IOException("Reading " + key + " from " + delegate().location() + " failed " + failures
                                + " times; last error: " + e.getMessage(), e);
                    }
                    closeQuietly(in);
                    pause("read " + key + " at byte " + (range.offset() + position), failures, e);
                    long remaining = range.length() == -1 ? -1 : range.length() - position;
                    ByteRange rest = new ByteRange(range.offset() + position, remaining);
                    in = call("get " + key, () -> delegate().get(key, rest));
                }
            }
        }

        private void closeQuietly(InputStream s) {
            try {
                s.close();
            } catch (IOException | RuntimeException ignored) {
                // the stream is broken already
            }
        }
    }

    /** Retry settings. */
    public static final class Builder {
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private int replayBuffer = 8 << 20;

        private Builder() {
        }

        /** Attempts per operation including the first (1 disables retries). */
        public Builder maxAttempts(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, was " + n);
            }
            this.maxAttempts = n;
            return this;
        }

        /** The first pause and the largest; pauses double from the first and are jittered. */
        public Builder backoff(Duration initial, Duration max) {
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff needs 0 <= initial <= max, was " + initial + ", " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** Bytes of an object kept in memory so that a failed commit can be replayed (0: writes are never retried). */
        public Builder replayBuffer(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("replayBuffer must be >= 0, was " + bytes);
            }
            this.replayBuffer = bytes;
            return this;
        }

        public RetryingBackupTarget build(BackupTarget target) {
            return new RetryingBackupTarget(target, this);
        }
    }
}
