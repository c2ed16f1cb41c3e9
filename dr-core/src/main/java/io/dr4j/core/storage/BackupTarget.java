package io.dr4j.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.jspecify.annotations.Nullable;

/**
 * Where backups are kept: an object-store-like namespace of immutable objects addressed by {@code /}-separated keys.
 *
 * <p>Keys are relative ({@code backups/20261126T020000Z/manifest.json}); every implementation validates them with
 * {@link ObjectKeys#validate(String)} and refuses keys that could escape the namespace. Objects are written once:
 * {@link WriteOptions#createNew()} refuses to replace an existing object atomically where the store supports it
 * ({@link Capability#CONDITIONAL_CREATE}).
 *
 * <p>All operations stream: an object of any size is written and read with memory bounded by the implementation's
 * buffer configuration. Missing objects raise {@link ObjectNotFoundException}, never {@code null}.
 * Implementations are thread-safe.
 */
public interface BackupTarget extends AutoCloseable {

    /** Where this target points, without credentials, e.g. {@code s3://bucket/prefix} or {@code file:/var/backups}. */
    URI location();

    /** What this target supports. */
    Set<Capability> capabilities();

    /**
     * Opens a writer for a new object. Nothing is visible under {@code key} until {@link ObjectWriter#commit()}
     * returns; closing the writer without committing discards everything written.
     *
     * @throws ObjectAlreadyExistsException when {@code options.createOnly()} and the key exists (may be raised by
     *                                      {@code commit()} instead, where the store decides at the end)
     * @throws InvalidKeyException          when the key is not a safe relative key
     */
    ObjectWriter newWriter(String key, WriteOptions options);

    /** Writes the whole stream as one object; convenience over {@link #newWriter}. */
    default ObjectInfo put(String key, InputStream data, WriteOptions options) {
        try (ObjectWriter w = newWriter(key, options)) {
            data.transferTo(w);
            return w.commit();
        } catch (IOException e) {
            throw new StorageException("Could not write " + key + " to " + location() + ": " + e.getMessage(), e);
        }
    }

    /** Opens the whole object for reading. */
    default InputStream get(String key) {
        return get(key, ByteRange.ALL);
    }

    /**
     * Opens part of an object for reading.
     *
     * @throws ObjectNotFoundException when the object does not exist
     */
    InputStream get(String key, ByteRange range);

    /** Metadata of an object, empty when it does not exist. */
    Optional<ObjectInfo> stat(String key);

    /** Whether an object exists. */
    default boolean exists(String key) {
        return stat(key).isPresent();
    }

    /**
     * One page of the objects whose key starts with {@code prefix}, in lexicographic key order.
     *
     * @param prefix            key prefix, may be empty; not required to end with {@code /}
     * @param continuationToken {@link ListPage#nextToken()} of the previous page, or null for the first page
     * @param pageSize          at most this many objects (the store may return fewer)
     */
    ListPage list(String prefix, @Nullable String continuationToken, int pageSize);

    /** Every object under {@code prefix}, fetched page by page as the stream is consumed. */
    default Stream<ObjectInfo> listAll(String prefix) {
        Iterator<ObjectInfo> it = new Iterator<>() {
            private @Nullable ListPage page = list(prefix, null, 1000);
            private int index;

            @Override
            public boolean hasNext() {
                while (page != null && index >= page.objects().size()) {
                    page = page.nextToken() == null ? null : list(prefix, page.nextToken(), 1000);
                    index = 0;
                }
                return page != null;
            }

            @Override
            public ObjectInfo next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.objects().get(index++);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    /**
     * The distinct names one level below {@code prefix} (which ends with {@code /}): for keys {@code a/x/1},
     * {@code a/y/2} and {@code a/z}, {@code listChildren("a/")} returns {@code x}, {@code y}, {@code z}, sorted.
     * Stores with a delimiter listing (S3, GCS, directories) override this to avoid listing every object.
     */
    default java.util.List<String> listChildren(String prefix) {
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix must end with '/': " + prefix);
        }
        try (Stream<ObjectInfo> all = listAll(prefix)) {
            return all.map(o -> {
                String rest = o.key().substring(prefix.length());
                int slash = rest.indexOf('/');
                return slash < 0 ? rest : rest.substring(0, slash);
            }).distinct().sorted().toList();
        }
    }

    /** Deletes an object. Deleting a missing object succeeds (idempotent). */
    void delete(String key);

    /**
     * The independent copies this target reads from, in order of preference: the target itself, or for a
     * {@link MirroredBackupTarget} its mirrors. A reader that verifies what it read (the repository's SHA-256) and
     * finds it corrupt retries on the next replica; see {@code Repository.readVerified}.
     */
    default java.util.List<BackupTarget> replicas() {
        return java.util.List.of(this);
    }

    /** Releases connections and threads. The default does nothing. */
    @Override
    default void close() {
    }
}
