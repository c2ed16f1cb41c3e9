package io.dr4j.core.storage;

import java.io.InputStream;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A {@link BackupTarget} that passes every call to another one: the base for decorators (a target that adds
 * behaviour around a store) and for plugin authors' test doubles that change one behaviour of a real target. A
 * subclass overrides what it changes and {@link #delegate()} reaches the wrapped target:
 *
 * <pre>{@code
 * BackupTarget readOnly = new ForwardingBackupTarget(target) {
 *     @Override
 *     public ObjectWriter newWriter(String key, WriteOptions options) {
 *         throw new StorageException("read-only copy of " + location() + ": " + key + " not written");
 *     }
 * };
 * }</pre>
 *
 * <p>Forwarded: the methods every target implements ({@link #location}, {@link #capabilities}, {@link #newWriter},
 * {@link #get(String, ByteRange)}, {@link #stat}, {@link #list}, {@link #delete}) and {@link #close}. Not
 * forwarded: the conveniences built on them ({@code put}, {@code get(key)}, {@code exists}, {@code listAll},
 * {@code listChildren}), which call this target's methods so that an override applies to them too, and
 * {@link #replicas()}, which stays this target. A decorator that leaves listings alone can forward
 * {@code listChildren} as well, to keep the store's one-request delimiter listing.
 */
public class ForwardingBackupTarget implements BackupTarget {
    private final BackupTarget delegate;

    public ForwardingBackupTarget(BackupTarget delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The wrapped target. */
    public BackupTarget delegate() {
        return delegate;
    }

    @Override
    public URI location() {
        return delegate.location();
    }

    @Override
    public Set<Capability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public ObjectWriter newWriter(String key, WriteOptions options) {
        return delegate.newWriter(key, options);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        return delegate.get(key, range);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return delegate.stat(key);
    }

    @Override
    public ListPage list(String prefix, @Nullable String continuationToken, int pageSize) {
        return delegate.list(prefix, continuationToken, pageSize);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
