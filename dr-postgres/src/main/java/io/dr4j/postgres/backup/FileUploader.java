package io.dr4j.postgres.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.StoredObject;

import org.jspecify.annotations.Nullable;

/**
 * Stores the files of one backup: reads (direct mode) or receives (stream mode) each file, verifies page checksums
 * on the way when asked, writes it through the repository's codec, and references the earlier backup's object
 * instead when the file did not change (same size and modification time, or same SHA-256). Thread-safe.
 */
public final class FileUploader {
    private static final int CHUNK = 32 * PageChecksum.BLOCK_SIZE;

    /** The read buffer for a file of {@code size} bytes: whole pages, at least one, at most {@link #CHUNK}. */
    static int chunkFor(long size) {
        long pages = (size + PageChecksum.BLOCK_SIZE - 1) / PageChecksum.BLOCK_SIZE;
        return (int) Math.min(CHUNK, Math.max(1, pages) * PageChecksum.BLOCK_SIZE);
    }

    private final BackupSession session;
    private final Map<String, BackupFile> prior;
    private final @Nullable Instant priorStartedAt;
    private final long startLsn;
    private final boolean verifyChecksums;
    private final ProgressTracker progress;
    private final ConcurrentLinkedQueue<String> warnings = new ConcurrentLinkedQueue<>();
    private final AtomicLong checksumErrors = new AtomicLong();
    private final AtomicLong referenced = new AtomicLong();
    private final ConcurrentLinkedQueue<String> pendingDeletes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Future<?>> commits = new ConcurrentLinkedQueue<>();
    private volatile @Nullable ExecutorService committer;
    private volatile Semaphore inFlight = new Semaphore(1);
    private volatile int largeFileWorkers;

    /** From this size on a file's compression may run on several threads (see {@link #compressLargeFilesWith}). */
    static final long LARGE_FILE = 64L << 20;

    /**
     * @param prior           files of the backup this one builds on (path to entry), empty for a full backup
     * @param priorStartedAt  when that backup started: files modified since are always read again
     * @param startLsn        the backup's start LSN: pages with a newer LSN are not verified (WAL repairs them)
     */
    public FileUploader(BackupSession session, Map<String, BackupFile> prior, @Nullable Instant priorStartedAt,
                        long startLsn, boolean verifyChecksums, ProgressTracker progress) {
        this.session = session;
        this.prior = new HashMap<>(prior);
        this.priorStartedAt = priorStartedAt;
        this.startLsn = startLsn;
        this.verifyChecksums = verifyChecksums;
        this.progress = progress;
    }

    /**
     * Commits objects on {@code threads} threads of their own from now on: the uploading thread finishes the
     * encoding and goes on with the next file while the store makes the object durable (on a file system: fsync
     * of the file and of its directory, ~half of a worker's time for the ~1000 small files of a cluster). At most
     * {@code 4 × threads} commits wait at a time (each holds the store writer's buffer).
     * {@link #awaitCommits()} must be called before the backup's manifest is written.
     */
    public void commitAsynchronously(int threads) {
        if (committer != null) {
            throw new IllegalStateException("commitAsynchronously was already called");
        }
        committer = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dr4j-commit");
            t.setDaemon(true);
            return t;
        });
        inFlight = new Semaphore(4 * threads);
    }

    /**
     * Lets the zstd compression of each file of at least {@link #LARGE_FILE} bytes use {@code workers} threads of its
     * own. PostgreSQL keeps a relation in 1 GiB segments, and the backup hands whole files to its workers: with a
     * few large segments the last ones were compressed by one worker while the others had nothing left (at pgbench
     * scale 300, 1.6 of 2 cores busy on average). The reading thread still reads, verifies page checksums and hashes;
     * zstd's threads compress in jobs of a few MiB, so one large file can use every core.
     */
    public void compressLargeFilesWith(int workers) {
        largeFileWorkers = workers;
    }

    /** Hands the sink to the committer (true), or commits it here when there is none (false). */
    private boolean commit(Repository.ObjectSink sink) throws IOException {
        ExecutorService c = committer;
        if (c == null) {
            sink.commit();
            return false;
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted while waiting to commit " + sink.key());
        }
        try {
            commits.add(c.submit(() -> {
                try (sink) {
                    sink.commit();
                } finally {
                    inFlight.release();
                }
                return null;
            }));
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        return true;
    }

    /**
     * Waits until every object handed to the committer is committed, then stops it; rethrows the first failure
     * (the other commits still complete or abort, nothing is left half-written). A no-op without
     * {@link #commitAsynchronously}.
     */
    public void awaitCommits() throws IOException {
        ExecutorService c = committer;
        if (c == null) {
            return;
        }
        Throwable failure = null;
        try {
            Future<?> f;
            while ((f = commits.poll()) != null) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    } else {
                        failure.addSuppressed(e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted while waiting for the commits of the backup's files");
        } finally {
            c.shutdownNow();
            committer = null;
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure != null) {
            throw new IOException("Committing a file of the backup failed: " + failure, failure);
        }
    }

    public List<String> warnings() {
        return new ArrayList<>(warnings);
    }

    public long checksumErrors() {
        return checksumErrors.get();
    }

    /** Files referenced from the earlier backup instead of stored again. */
    public long referencedFiles() {
        return referenced.get();
    }

    /** The unchanged earlier entry for a file of this size and mtime, when it can be referenced unread. */
    public Optional<BackupFile> unchanged(String rel, long size, Instant mtime) {
        BackupFile p = prior.get(rel);
        if (p == null || priorStartedAt == null || p.objectKey() == null || p.size() != size
                || p.modifiedAt() == null || !p.modifiedAt().equals(mtime)
                || !mtime.isBefore(priorStartedAt.minusSeconds(2))) {
            return Optional.empty();
        }
        referenced.incrementAndGet();
        progress.addItem();
        return Optional.of(reference(p, mtime));
    }

    private BackupFile reference(BackupFile p, Instant mtime) {
        String from = p.fromBackup() != null ? p.fromBackup() : idOf(p.objectKey());
        return new BackupFile(p.path(), BackupFile.Kind.FILE, p.size(), p.storedSize(), p.sha256(), p.crc32c(),
                p.objectKey(), from, mtime, p.mode(), null, p.attributes()).referencedFrom(from);
    }

    private static String idOf(@Nullable String key) {
        // backups/<id>/data/...
        String k = key == null ? "" : key;
        int a = k.indexOf('/');
        int b = k.indexOf('/', a + 1);
        return k.substring(a + 1, b);
    }

    /** Reads a local file and stores it; empty when it vanished (dropped relation) before it was read. */
    public Optional<BackupFile> uploadLocal(String rel, Path file, Instant mtime, int mode) throws IOException {
        BackupFile p = prior.get(rel);
        if (p != null && p.objectKey() != null && p.sha256() != null && p.attributes() == null) {
            // same size, other mtime: hash first, and reference the earlier copy when the content is the same
            try {
                if (java.nio.file.Files.size(file) == p.size() && p.sha256().equals(sha256(file))) {
                    referenced.incrementAndGet();
                    progress.addItem();
                    progress.addBytes(p.size());
                    return Optional.of(reference(p, mtime));
                }
            } catch (NoSuchFileException gone) {
                return Optional.empty();
            }
        }
        boolean verify = verifyChecksums && Exclusions.isChecksummed(rel);
        long firstBlock = verify ? Exclusions.segmentNumber(rel) * PageChecksum.BLOCKS_PER_SEGMENT : 0;
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        }
        List<Long> bad = new ArrayList<>();
        StoredObject o;
        Repository.ObjectSink sink;
        try {
            int workers = largeFileWorkers;
            sink = workers > 1 && ch.size() >= LARGE_FILE ? session.newFile(rel, workers) : session.newFile(rel);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        boolean handedOff = false;
        try (ch) {
            // sized to the file (most are a few pages; a file that grows meanwhile is read in several chunks): a
            // CHUNK-sized array per file, zeroed on fresh heap pages, was a measurable part of a backup's CPU
            byte[] buf = new byte[chunkFor(ch.size())];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            long pos = 0;
            while (true) {
                bb.clear();
                int n = readFully(ch, bb, pos);
                if (n <= 0) {
                    break;
                }
                if (verify) {
                    for (int off = 0; off + PageChecksum.BLOCK_SIZE <= n; off += PageChecksum.BLOCK_SIZE) {
                        long blk = (pos + off) / PageChecksum.BLOCK_SIZE;
                        if (!PageChecksum.verifies(buf, off, firstBlock + blk, startLsn)
                                && !rereadVerifies(ch, pos + off, firstBlock + blk)) {
                            bad.add(blk);
                        }
                    }
                }
                sink.write(buf, 0, n);
                progress.addBytes(n);
                pos += n;
                if (n < buf.length) {
                    break;
                }
            }
            o = sink.finish();
            handedOff = commit(sink);
        } finally {
            if (!handedOff) {
                sink.close();
            }
        }
        Map<String, String> attrs = null;
        if (!bad.isEmpty()) {
            checksumErrors.addAndGet(bad.size());
            StringBuilder sb = new StringBuilder();
            for (Long b : bad) {
                sb.append(sb.length() == 0 ? "" : ",").append(b);
                warnings.add(rel + ": page checksum verification failed in block " + b);
            }
            attrs = Map.of("checksumErrors", sb.toString());
        }
        progress.addItem();
        return Optional.of(stored(rel, o, mtime, mode, attrs, false));
    }

    private static String sha256(Path file) throws IOException {
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[CHUNK];
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /** A torn read (the server writing the page while we read it) verifies on a second read. */
    private boolean rereadVerifies(FileChannel ch, long pos, long blkno) throws IOException {
        byte[] page = new byte[PageChecksum.BLOCK_SIZE];
        ByteBuffer bb = ByteBuffer.wrap(page);
        if (readFully(ch, bb, pos) < PageChecksum.BLOCK_SIZE) {
            return true; // truncated meanwhile: WAL replay handles it
        }
        return PageChecksum.verifies(page, 0, blkno, startLsn);
    }

    private static int readFully(FileChannel ch, ByteBuffer bb, long pos) throws IOException {
        int total = 0;
        while (bb.hasRemaining()) {
            int n = ch.read(bb, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /**
     * Stores a small file already in memory (stream mode hands these to parallel workers); an unchanged file (same
     * SHA-256 as in the earlier backup) is referenced without being written.
     */
    public BackupFile uploadBytes(String rel, byte[] data, int len, Instant mtime, int mode) throws IOException {
        BackupFile p = prior.get(rel);
        if (p != null && p.objectKey() != null && p.sha256() != null && p.size() == len) {
            java.security.MessageDigest md;
            try {
                md = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            md.update(data, 0, len);
            if (java.util.HexFormat.of().formatHex(md.digest()).equals(p.sha256())) {
                referenced.incrementAndGet();
                progress.addItem();
                progress.addBytes(len);
                return reference(p, mtime);
            }
        }
        StoredObject o;
        try (Repository.ObjectSink sink = session.newFile(rel)) {
            sink.write(data, 0, len);
            progress.addBytes(len);
            o = sink.commit();
        }
        progress.addItem();
        return stored(rel, o, mtime, mode, null, false);
    }

    /**
     * Removes the copies {@link #uploadStream} found identical to the earlier backup's. Called once no upload runs
     * any more (a removal can prune a directory another upload is committing into).
     */
    public void deletePending() {
        String k;
        while ((k = pendingDeletes.poll()) != null) {
            session.repository().target().delete(k);
        }
    }

    /**
     * Stores a file received as a stream (stream mode, one thread); an unchanged file (same SHA-256) is referenced
     * instead and the copy just written removed.
     */
    public BackupFile uploadStream(String rel, InputStream in, Instant mtime, int mode) throws IOException {
        StoredObject o;
        try (Repository.ObjectSink sink = session.newFile(rel)) {
            byte[] buf = new byte[CHUNK];
            int n;
            while ((n = in.read(buf)) > 0) {
                sink.write(buf, 0, n);
                progress.addBytes(n);
            }
            o = sink.commit();
        }
        progress.addItem();
        return stored(rel, o, mtime, mode, null, true);
    }

    private BackupFile stored(String rel, StoredObject o, Instant mtime, int mode, @Nullable Map<String, String> attrs,
                              boolean dedupe) {
        BackupFile p = prior.get(rel);
        if (dedupe && p != null && attrs == null && p.objectKey() != null && o.sha256().equals(p.sha256()) && p.size() == o.size()) {
            // same content as the earlier backup: keep one copy (the new one is removed once uploads are done)
            pendingDeletes.add(o.key());
            referenced.incrementAndGet();
            BackupFile r = reference(p, mtime);
            return new BackupFile(r.path(), r.kind(), r.size(), r.storedSize(), r.sha256(),
                    r.crc32c() != null ? r.crc32c() : o.crc32c(), r.objectKey(),
                    r.fromBackup(), mtime, mode, null, null);
        }
        return BackupFile.stored(rel, o, mtime, mode, attrs);
    }
}
