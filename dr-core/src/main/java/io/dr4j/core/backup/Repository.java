package io.dr4j.core.backup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.dr4j.core.codec.Codec;
import io.dr4j.core.codec.EncodingOutputStream;
import io.dr4j.core.codec.EnvelopeEncryption;
import io.dr4j.core.codec.KeyProvider;
import io.dr4j.core.codec.ObjectEncryption;
import io.dr4j.core.codec.ObjectFormat;
import io.dr4j.core.codec.WrongKeyException;
import io.dr4j.core.events.DrEventListener;
import io.dr4j.core.events.DrEvents;
import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectNotFoundException;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link BackupTarget} holds for one system: {@code repository.json}, backups and WAL (see
 * {@code docs/repository-format.md}). Writes every object through the {@link Codec} (compression, optional
 * encryption, SHA-256 of the original bytes in the same pass) and reads them back verified.
 *
 * <p>Thread-safe: backups write objects from many threads at once.
 */
public final class Repository implements AutoCloseable {
    private final BackupTarget target;
    private final RepositoryDescriptor descriptor;
    private final Codec codec;
    private final Catalog catalog;
    private final WalArchive wal;
    private final DrEvents events;

    private Repository(BackupTarget target, RepositoryDescriptor descriptor, Codec codec,
                       java.util.List<DrEventListener> listeners) {
        this.target = target;
        this.descriptor = descriptor;
        this.codec = codec;
        this.events = new DrEvents(descriptor.systemId(), listeners);
        this.catalog = new Catalog(this);
        this.wal = new WalArchive(this);
    }

    /**
     * Opens the repository for {@code systemId}, creating {@code repository.json} when the target holds none.
     *
     * @throws RepositoryException when the repository belongs to another system
     */
    public static Repository openOrInit(BackupTarget target, RepositoryOptions options, String systemId,
                                        String systemKind) {
        return openOrInit(target, options, systemId, systemKind, false);
    }

    /**
     * Like {@link #openOrInit(BackupTarget, RepositoryOptions, String, String)}; a new repository is only created in
     * a location that holds nothing but dr4j's own objects, unless {@code initInNonEmptyLocation} (a directory or
     * bucket prefix of another tool, or a typo in the location, would otherwise get backups mixed into it, and a
     * later expiry or {@code delete} of "leftovers" could meet foreign files).
     *
     * @throws RepositoryException when the repository belongs to another system, or when the location holds foreign
     *                             objects but no {@code repository.json} (naming a few of them and the override)
     */
    public static Repository openOrInit(BackupTarget target, RepositoryOptions options, String systemId,
                                        String systemKind, boolean initInNonEmptyLocation) {
        Optional<RepositoryDescriptor> existing = readDescriptor(target);
        if (existing.isPresent()) {
            Repository repo = open(target, options, existing.get());
            repo.checkSystem(systemId);
            return repo;
        }
        if (!initInNonEmptyLocation) {
            java.util.List<String> foreign = foreignObjects(target, 3);
            if (!foreign.isEmpty()) {
                throw new RepositoryException("Refusing to create a dr4j repository at " + target.location()
                        + ": the location is not empty and holds no " + RepositoryDescriptor.KEY + " (found "
                        + String.join(", ", foreign) + (foreign.size() == 3 ? ", ..." : "") + "). Use an empty "
                        + "directory or prefix, or set dr.repository.init-non-empty=true (--init-non-empty) to "
                        + "create it there anyway");
            }
        }
        RepositoryDescriptor d = new RepositoryDescriptor(RepositoryDescriptor.FORMAT, RepositoryDescriptor.FORMAT_VERSION,
                systemId, systemKind, Instant.now(), options.codec().compression().id(), encryptionMetadata(options));
        try {
            target.put(RepositoryDescriptor.KEY, new ByteArrayInputStream(Json.write(d)), WriteOptions.createNew());
        } catch (ObjectAlreadyExistsException raced) {
            // another process initialised it at the same moment: use theirs, with the same checks
            Repository repo = open(target, options);
            repo.checkSystem(systemId);
            return repo;
        }
        return new Repository(target, d, new Codec(options.codec(), options.encryption()), options.listeners());
    }

    /**
     * Opens an existing repository.
     *
     * @throws RepositoryException when there is no {@code repository.json}
     */
    public static Repository open(BackupTarget target, RepositoryOptions options) {
        RepositoryDescriptor d = readDescriptor(target).orElseThrow(() -> new RepositoryException(
                "No dr4j repository at " + target.location() + " (no " + RepositoryDescriptor.KEY
                        + "). Check the location, or take a first backup there to create one"));
        return open(target, options, d);
    }

    private static Repository open(BackupTarget target, RepositoryOptions options, RepositoryDescriptor d) {
        if (!RepositoryDescriptor.FORMAT.equals(d.format())) {
            throw new RepositoryException(target.location() + "/" + RepositoryDescriptor.KEY
                    + " is not a dr4j repository descriptor (format '" + d.format() + "')");
        }
        if (d.formatVersion() > RepositoryDescriptor.FORMAT_VERSION) {
            throw new RepositoryException("Repository at " + target.location() + " has format version "
                    + d.formatVersion() + ", newer than this dr4j understands (" + RepositoryDescriptor.FORMAT_VERSION
                    + "). Upgrade dr4j");
        }
        if (d.encryption() != null && options.encryption() == null) {
            throw new WrongKeyException("Repository at " + target.location() + " is encrypted but no key is "
                    + "configured. Set the repository key (dr.repository.key-file or DR_REPOSITORY_KEY)", null);
        }
        ObjectEncryption encryption = null;
        if (d.encryption() != null) {
            // verifies the key (envelope encryption: unwraps the data keyset) before anything is read or written
            encryption = options.encryption().forRepository(d.encryption(), target.location().toString());
        } else if (options.encryption() != null) {
            throw new RepositoryException("Repository at " + target.location() + " is not encrypted, but a key is "
                    + "configured. Its objects would be written in the clear: remove the key setting, or use a new, "
                    + "encrypted repository at another location");
        }
        return new Repository(target, d, new Codec(options.codec(), encryption), options.listeners());
    }

    /**
     * Re-wraps the data keyset of an encrypted repository under a new key-encryption key. Only
     * {@code repository.json} is replaced; data objects are untouched and stay readable with the new key.
     *
     * @throws WrongKeyException   when {@code currentKey} is not the repository's key (nothing is changed)
     * @throws RepositoryException when the repository is not encrypted
     */
    public static RepositoryDescriptor rotateKey(BackupTarget target, KeyProvider currentKey, KeyProvider newKey) {
        RepositoryDescriptor d = readDescriptor(target).orElseThrow(() -> new RepositoryException(
                "No dr4j repository at " + target.location() + " (no " + RepositoryDescriptor.KEY + ")"));
        if (d.encryption() == null) {
            throw new RepositoryException("Repository at " + target.location() + " is not encrypted; there is no key "
                    + "to rotate");
        }
        String where = target.location().toString();
        Map<String, Object> rewrapped = EnvelopeEncryption.rotate(d.encryption(), currentKey, newKey, where);
        RepositoryDescriptor next = new RepositoryDescriptor(d.format(), d.formatVersion(), d.systemId(),
                d.systemKind(), d.createdAt(), d.compression(), rewrapped);
        // proves the new key opens it before replacing anything
        EnvelopeEncryption.with(newKey).forRepository(rewrapped, where);
        target.put(RepositoryDescriptor.KEY, new ByteArrayInputStream(Json.write(next)),
                WriteOptions.replaceExisting());
        return next;
    }

    /** Top-level names a dr4j repository may hold; anything else is another tool's. */
    private static final java.util.Set<String> OWN_NAMES = java.util.Set.of(RepositoryDescriptor.KEY, "backups",
            "wal", "verification", "locks", "status", ".dr4j-tmp");

    /** Up to {@code max} keys of {@code target} that are not dr4j's (see {@link #OWN_NAMES}). */
    static java.util.List<String> foreignObjects(BackupTarget target, int max) {
        try (java.util.stream.Stream<ObjectInfo> all = target.listAll("")) {
            return all.map(ObjectInfo::key).filter(k -> {
                int slash = k.indexOf('/');
                return !OWN_NAMES.contains(slash < 0 ? k : k.substring(0, slash));
            }).limit(max).toList();
        }
    }

    private static @Nullable Map<String, Object> encryptionMetadata(RepositoryOptions options) {
        if (options.encryption() == null) {
            return null;
        }
        return new LinkedHashMap<>(options.encryption().repositoryMetadata());
    }

    /** Reads {@code repository.json}, empty when the target holds none. */
    public static Optional<RepositoryDescriptor> readDescriptor(BackupTarget target) {
        if (!target.exists(RepositoryDescriptor.KEY)) {
            return Optional.empty();
        }
        try (InputStream in = target.get(RepositoryDescriptor.KEY)) {
            return Optional.of(Json.read(in.readNBytes(1 << 20), RepositoryDescriptor.class));
        } catch (ObjectNotFoundException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RepositoryException("Could not read " + RepositoryDescriptor.KEY + " at " + target.location()
                    + ": " + e.getMessage() + ". Is this a dr4j repository?", e);
        }
    }

    /**
     * Refuses to use the repository for another system.
     *
     * @throws RepositoryException naming both system identifiers
     */
    public void checkSystem(String systemId) {
        if (!descriptor.systemId().equals(systemId)) {
            throw new RepositoryException("The repository at " + target.location() + " belongs to system "
                    + descriptor.systemId() + ", not to " + systemId + ". Each repository holds one system: use "
                    + "another location (or prefix) for this one");
        }
    }

    public BackupTarget target() {
        return target;
    }

    public RepositoryDescriptor descriptor() {
        return descriptor;
    }

    public Codec codec() {
        return codec;
    }

    public Catalog catalog() {
        return catalog;
    }

    public WalArchive wal() {
        return wal;
    }

    /**
     * The repository's event listeners and the way library code reports to them (backups, restores, verification,
     * expiry, WAL archiving).
     */
    public DrEvents events() {
        return events;
    }

    /** The key an object written now under {@code baseKey} gets (the format extension appended). */
    public String keyFor(String baseKey) {
        return codec.format().keyFor(baseKey);
    }

    /**
     * Writes an object through the codec, create-only.
     *
     * @param baseKey the key without extension; the stored key gets the format's extension
     */
    public StoredObject write(String baseKey, InputStream data) {
        try (ObjectSink sink = newObject(baseKey)) {
            data.transferTo(sink);
            return sink.commit();
        } catch (IOException e) {
            throw new StorageException("Could not write " + baseKey + " to " + target.location() + ": " + e.getMessage(), e);
        }
    }

    /** Opens an encoding writer for a new object; nothing is visible until {@link ObjectSink#commit()}. */
    public ObjectSink newObject(String baseKey) {
        return newObject(baseKey, WriteOptions.createNew());
    }

    public ObjectSink newObject(String baseKey, WriteOptions options) {
        return newObject(baseKey, options, codec);
    }

    /**
     * Opens a writer for a new object in a given compression (e.g. gzip for a {@code .sql.gz} that {@code gunzip}
     * must read), encrypted like every other object when the repository is encrypted.
     */
    public ObjectSink newObject(String baseKey, WriteOptions options, io.dr4j.core.codec.CodecSpec compression) {
        return newObject(baseKey, options, new Codec(compression, codec.encryption()));
    }

    private ObjectSink newObject(String baseKey, WriteOptions options, Codec with) {
        String key = with.format().keyFor(baseKey);
        ObjectWriter writer = target.newWriter(key, options);
        try {
            return new ObjectSink(key, writer, with.encoder(writer, key));
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e instanceof RuntimeException re ? re
                    : new StorageException("Could not open " + key + " for writing: " + e.getMessage(), e);
        }
    }

    /** Reads and decodes an object, verifying size and SHA-256 at the end of the stream. */
    public InputStream read(String key, @Nullable String sha256, long size) {
        return read(key, sha256, null, size);
    }

    /**
     * Reads and decodes an object, verifying at the end of the stream its size and its CRC-32C when one is given (what
     * restores check), else its SHA-256 (see {@link io.dr4j.core.codec.VerifyingInputStream}).
     */
    public InputStream read(String key, @Nullable String sha256, @Nullable String crc32c, long size) {
        InputStream raw = target.get(key);
        try {
            return codec.verifyingDecoder(raw, key, sha256, crc32c, size);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new StorageException("Could not open " + key + " for reading: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and decodes an object from one {@linkplain BackupTarget#replicas() replica} of the target (e.g. to check
     * every mirror's copy), verifying size and SHA-256 at the end of the stream.
     */
    public InputStream read(BackupTarget replica, String key, @Nullable String sha256, long size) {
        InputStream raw = replica.get(key);
        try {
            return codec.verifyingDecoder(raw, key, sha256, size);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new StorageException("Could not open " + key + " on " + replica.location() + " for reading: "
                    + e.getMessage(), e);
        }
    }

    /** Consumes a stream; may be called again with a fresh stream (see {@link #readVerified}). */
    @FunctionalInterface
    public interface StreamConsumer<T> {
        T accept(InputStream in) throws IOException;
    }

    /**
     * Reads an object verified, falling back to the target's next {@linkplain BackupTarget#replicas() replica} when
     * a copy is missing, unreadable or fails its size/checksum check (the CRC-32C when the object has one, else the
     * SHA-256). {@code consumer} gets a fresh stream for each attempt and must start over with it (discard what it
     * made of an earlier attempt); the stream is drained to its end after {@code consumer} returns, so the verdict
     * always comes before this method returns.
     *
     * @throws io.dr4j.core.codec.IntegrityException when every replica's copy is corrupt (the last failure, the
     *                                               others suppressed)
     */
    public <T> T readVerified(StoredObject object, StreamConsumer<T> consumer) {
        java.util.List<BackupTarget> replicas = target.replicas();
        RuntimeException failure = null;
        for (BackupTarget replica : replicas) {
            InputStream raw;
            try {
                raw = replica.get(object.key());
            } catch (StorageException e) {
                failure = chain(failure, e);
                continue;
            }
            try (InputStream in = codec.verifyingDecoder(raw, object.key(), object.sha256(), object.crc32c(),
                    object.size())) {
                T result = consumer.accept(in);
                in.transferTo(OutputStream.nullOutputStream());
                return result;
            } catch (StorageException e) {
                if (replicas.size() > 1) {
                    org.slf4j.LoggerFactory.getLogger(Repository.class).warn(
                            "Copy of {} on {} is not usable ({}); trying the next replica", object.key(),
                            replica.location(), e.getMessage());
                }
                failure = chain(failure, e);
            } catch (IOException e) {
                failure = chain(failure, new StorageException("Could not read " + object.key() + " from "
                        + replica.location() + ": " + e.getMessage(), e));
            }
        }
        throw Objects.requireNonNull(failure);
    }

    private static RuntimeException chain(@Nullable RuntimeException previous, RuntimeException next) {
        if (previous != null) {
            next.addSuppressed(previous);
        }
        return next;
    }

    /** Reads a stored object, verified. */
    public InputStream read(StoredObject object) {
        return read(object.key(), object.sha256(), object.size());
    }

    /** Reads and decodes without verification (e.g. metadata whose format carries its own checks). */
    public InputStream readUnverified(String key) {
        return read(key, null, -1);
    }

    public Optional<ObjectInfo> stat(String key) {
        return target.stat(key);
    }

    /** Whether {@code key} is stored in the format of new objects. */
    public ObjectFormat format() {
        return codec.format();
    }

    /** Closes the underlying target. */
    @Override
    public void close() {
        target.close();
    }

    @Override
    public String toString() {
        return "Repository[" + target.location() + ", system " + descriptor.systemId() + "]";
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // best effort
        }
    }

    /**
     * Writing end of a new repository object: bytes written are encoded; {@link #commit()} finishes the codec and
     * commits the store's writer. Closing without commit aborts and leaves nothing behind.
     */
    public static final class ObjectSink extends OutputStream {
        private final String key;
        private final ObjectWriter writer;
        private final EncodingOutputStream encoder;
        private boolean done;

        ObjectSink(String key, ObjectWriter writer, EncodingOutputStream encoder) {
            this.key = Objects.requireNonNull(key);
            this.writer = writer;
            this.encoder = encoder;
        }

        public String key() {
            return key;
        }

        /** Original bytes written so far. */
        public long size() {
            return encoder.size();
        }

        @Override
        public void write(int b) throws IOException {
            encoder.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            encoder.write(b, off, len);
        }

        /**
         * Finishes the encoding (the compressor's last frame, the hash) without committing the store's writer: what
         * {@link #commit()} will return. Lets a caller hand the store's part of the commit (on a file system: the
         * fsyncs and the rename) to another thread while it encodes the next object. Idempotent.
         */
        public StoredObject finish() throws IOException {
            encoder.close();
            var r = encoder.result();
            return new StoredObject(key, r.sha256(), r.crc32c(), r.size(), r.storedSize());
        }

        public StoredObject commit() throws IOException {
            StoredObject o = finish();
            writer.commit();
            done = true;
            return o;
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                writer.abort();
            }
        }
    }
}
