package io.dr4j.core.backup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

import io.dr4j.core.internal.events.BackupAttempts;
import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.ObjectKeys;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup being written: data objects under {@code backups/<id>/data/}, then the manifest, last. Until
 * {@link #commit} returns the backup does not exist; {@link #close()} without a commit removes what was written.
 * Thread-safe: files are written from many threads.
 */
public final class BackupSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackupSession.class);

    private final Repository repository;
    private final String id;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final RepositoryLock lock;
    private final java.time.Instant startedAt;
    private final long startNanos = System.nanoTime();

    BackupSession(Repository repository, String id, RepositoryLock lock) {
        this.repository = repository;
        this.id = BackupId.validate(id);
        this.lock = lock;
        this.startedAt = repository.events().clock().instant();
        BackupAttempts.started(repository.events(), this.id, startedAt);
    }

    public String id() {
        return id;
    }

    public Repository repository() {
        return repository;
    }

    /** The base key (without format extension) of a data file of this backup. */
    public String dataKey(String relativePath) {
        return ObjectKeys.validate(Catalog.backupPrefix(id) + "data/" + relativePath);
    }

    /** Opens a new data object for {@code relativePath}. */
    public Repository.ObjectSink newFile(String relativePath) {
        return repository.newObject(dataKey(relativePath));
    }

    /**
     * Opens a new data object for a large file whose zstd compression may use {@code workers} threads of its own
     * (zstd's multi-threaded mode: same format, any zstd decoder reads it). Without zstd, or when the repository's
     * compression already names its workers, the same as {@link #newFile(String)}.
     */
    public Repository.ObjectSink newFile(String relativePath, int workers) {
        io.dr4j.core.codec.CodecSpec spec = repository.codec().spec();
        if (workers < 2 || spec.compression() != io.dr4j.core.codec.Compression.ZSTD || spec.workers() != 0) {
            return newFile(relativePath);
        }
        return repository.newObject(dataKey(relativePath), WriteOptions.createNew(), spec.withWorkers(workers));
    }

    /** Writes a data object for {@code relativePath} from a stream. */
    public StoredObject writeFile(String relativePath, InputStream data) {
        return repository.write(dataKey(relativePath), data);
    }

    /**
     * Writes the manifest, create-only: from now on the backup exists.
     *
     * @throws BackupFailedException when the manifest does not belong to this session
     */
    public BackupManifest commit(BackupManifest manifest) {
        if (!manifest.id().equals(id)) {
            throw new BackupFailedException("Manifest id " + manifest.id() + " does not match backup " + id);
        }
        if (!manifest.systemId().equals(repository.descriptor().systemId())) {
            throw new BackupFailedException("Manifest of system " + manifest.systemId()
                    + " cannot be committed to the repository of system " + repository.descriptor().systemId());
        }
        lock.checkHeld();
        repository.target().put(Catalog.manifestKey(id), new ByteArrayInputStream(Json.write(manifest)),
                WriteOptions.createNew());
        finished.set(true);
        lock.close();
        log.info("Backup {} complete: {} files, {} bytes ({} stored)", id, manifest.files().size(), manifest.size(),
                manifest.storedSize());
        BackupAttempts.committed(repository.events(), manifest);
        return manifest;
    }

    /** Removes everything this session wrote. Idempotent; a no-op after commit. */
    public void abort() {
        if (finished.compareAndSet(false, true)) {
            try {
                repository.catalog().deleteObjects(id);
                log.info("Backup {} aborted; its objects were removed", id);
            } catch (StorageException e) {
                log.warn("Backup {} aborted, but some objects could not be removed ({}); the next run cleans them",
                        id, e.getMessage());
            } finally {
                lock.close();
                BackupAttempts.aborted(repository.events(), id, startedAt, startNanos);
            }
        }
    }

    @Override
    public void close() {
        abort();
    }

    static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
