package io.dr4j.tck;

import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.ByteRange;
import io.dr4j.core.storage.Capability;
import io.dr4j.core.storage.ListPage;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.WriteOptions;

import org.jspecify.annotations.Nullable;

/** Delegates everything; test subclasses break one behaviour. */
class ForwardingBackupTarget implements BackupTarget {
    protected final BackupTarget delegate;

    ForwardingBackupTarget(BackupTarget delegate) {
        this.delegate = delegate;
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
}
