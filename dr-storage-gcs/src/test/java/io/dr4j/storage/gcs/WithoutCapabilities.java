package io.dr4j.storage.gcs;

import java.io.InputStream;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
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

/** A target that stops claiming the capabilities its test backend (a fake) cannot deliver; all else delegates. */
final class WithoutCapabilities implements BackupTarget {
    private final BackupTarget delegate;
    private final Set<Capability> removed;

    WithoutCapabilities(BackupTarget delegate, Set<Capability> removed) {
        this.delegate = delegate;
        this.removed = Set.copyOf(removed);
    }

    @Override
    public URI location() {
        return delegate.location();
    }

    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> c = EnumSet.noneOf(Capability.class);
        c.addAll(delegate.capabilities());
        c.removeAll(removed);
        return c;
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
    public List<String> listChildren(String prefix) {
        return delegate.listChildren(prefix);
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
