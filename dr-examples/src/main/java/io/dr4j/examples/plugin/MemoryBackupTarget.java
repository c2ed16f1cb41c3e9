package io.dr4j.examples.plugin;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.ByteRange;
import io.dr4j.core.storage.Capability;
import io.dr4j.core.storage.ListPage;
import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectKeys;
import io.dr4j.core.storage.ObjectNotFoundException;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;

/**
 * An example of a custom {@link BackupTarget} plugin: objects in memory, under {@code mem://<name>}. Useful as a fast
 * fake in application tests; shows what a plugin must honour (key validation, create-only commits, ranged reads,
 * paginated listing, abort on close) — and the dr-tck kit proves it does.
 */
public final class MemoryBackupTarget implements BackupTarget {
    private static final Map<String, MemoryBackupTarget> NAMED = new java.util.concurrent.ConcurrentHashMap<>();

    private final URI location;
    private final ConcurrentSkipListMap<String, Stored> objects = new ConcurrentSkipListMap<>();

    private record Stored(byte[] data, Instant at, Map<String, String> metadata) {
    }

    private MemoryBackupTarget(URI location) {
        this.location = location;
    }

    /** The target named {@code name} in this JVM (created on first use). */
    public static MemoryBackupTarget named(String name) {
        return NAMED.computeIfAbsent(name, n -> new MemoryBackupTarget(URI.create("mem://" + n)));
    }

    /** A fresh, unnamed target. */
    public static MemoryBackupTarget create() {
        return new MemoryBackupTarget(URI.create("mem://anonymous-" + System.identityHashCode(new Object())));
    }

    @Override
    public URI location() {
        return location;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CONDITIONAL_CREATE, Capability.RANGED_READ, Capability.CONSISTENT_LISTING);
    }

    @Override
    public ObjectWriter newWriter(String key, WriteOptions options) {
        ObjectKeys.validate(key);
        if (options.retainUntil() != null) {
            throw new StorageException("mem: targets cannot lock objects");
        }
        if (options.createOnly() && objects.containsKey(key)) {
            throw new ObjectAlreadyExistsException(key, location.toString());
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        return new ObjectWriter() {
            private boolean done;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (done) {
                    throw new IOException("writer closed");
                }
                buf.write(b, off, len);
            }

            @Override
            public ObjectInfo commit() {
                if (done) {
                    throw new IllegalStateException("already closed");
                }
                done = true;
                Stored s = new Stored(buf.toByteArray(), Instant.now(), options.metadata());
                if (options.createOnly()) {
                    if (objects.putIfAbsent(key, s) != null) {
                        throw new ObjectAlreadyExistsException(key, location.toString());
                    }
                } else {
                    objects.put(key, s);
                }
                return info(key, s);
            }

            @Override
            public void abort() {
                done = true;
            }
        };
    }

    private static ObjectInfo info(String key, Stored s) {
        return new ObjectInfo(key, s.data().length, s.at(), null, s.metadata(), null);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        ObjectKeys.validate(key);
        Stored s = objects.get(key);
        if (s == null) {
            throw new ObjectNotFoundException(key, location.toString());
        }
        int from = (int) Math.min(range.offset(), s.data().length);
        int len = range.length() < 0 ? s.data().length - from : (int) Math.min(range.length(), s.data().length - from);
        return new ByteArrayInputStream(s.data(), from, len);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        ObjectKeys.validate(key);
        Stored s = objects.get(key);
        return s == null ? Optional.empty() : Optional.of(info(key, s));
    }

    @Override
    public ListPage list(String prefix, String continuationToken, int pageSize) {
        ObjectKeys.validatePrefix(prefix);
        if (pageSize <= 0) {
            throw new IllegalArgumentException("pageSize must be > 0");
        }
        List<ObjectInfo> page = new ArrayList<>();
        var tail = continuationToken == null ? objects.tailMap(prefix, true) : objects.tailMap(continuationToken, false);
        String next = null;
        for (var e : tail.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            if (page.size() == pageSize) {
                next = page.get(page.size() - 1).key();
                break;
            }
            page.add(info(e.getKey(), e.getValue()));
        }
        return new ListPage(page, next);
    }

    @Override
    public void delete(String key) {
        ObjectKeys.validate(key);
        objects.remove(key);
    }

    @Override
    public String toString() {
        return "MemoryBackupTarget[" + location + ", " + objects.size() + " objects]";
    }
}
