package io.dr4j.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.dr4j.core.ConfigurationException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every object on several targets (the DR plan's "local + S3/GCS").
 *
 * <ul>
 *   <li><b>Writes</b> stream once: each byte written goes to a writer of every mirror, so nothing is buffered beyond
 *       the mirrors' own buffers. With {@link WritePolicy#ALL} (default) a write succeeds only when every mirror
 *       commits; when one fails, the copies already committed by this write are deleted and the write fails. With
 *       {@link WritePolicy#AT_LEAST_ONE} mirrors that fail are dropped (logged at warn) and the write succeeds when
 *       one commits. Mirrors commit in order, so the first mirror arbitrates create-only races.</li>
 *   <li><b>Reads</b> try the mirrors in order: a missing object or a failing mirror falls through to the next, and a
 *       stream that fails halfway resumes from the next mirror at the same offset. Data that arrives intact but is
 *       corrupt can only be recognised by whoever knows its checksum: {@link #replicas()} exposes the mirrors so that
 *       {@code Repository.readVerified} re-reads an object from the next mirror when its SHA-256 does not match.</li>
 *   <li><b>Listings</b> are the sorted union of the mirrors' listings (an object that reached only some mirrors is
 *       listed once); deletes go to every mirror.</li>
 * </ul>
 */
public final class MirroredBackupTarget implements BackupTarget {
    private static final Logger log = LoggerFactory.getLogger(MirroredBackupTarget.class);

    /** When a mirrored write (or delete) succeeds. */
    public enum WritePolicy {
        /** Every mirror must succeed (default). */
        ALL,
        /** At least one mirror must succeed; the others are logged. */
        AT_LEAST_ONE;

        public static WritePolicy parse(String s) {
            String n = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (n) {
                case "all" -> ALL;
                case "at-least-one", "any", "one" -> AT_LEAST_ONE;
                default -> throw new ConfigurationException("Unknown mirror write policy '" + s
                        + "'. Use 'all' or 'at-least-one'");
            };
        }
    }

    private final List<BackupTarget> mirrors;
    private final WritePolicy policy;
    private final URI location;

    private MirroredBackupTarget(List<BackupTarget> mirrors, WritePolicy policy) {
        if (mirrors.isEmpty()) {
            throw new ConfigurationException("A mirrored target needs at least one target");
        }
        this.mirrors = List.copyOf(mirrors);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.location = URI.create("mirror:" + this.mirrors.stream().map(t -> BackupTargets.redact(t.location()))
                .collect(Collectors.joining(",")));
    }

    /** Mirrors {@code targets} with {@link WritePolicy#ALL}. */
    public static MirroredBackupTarget of(BackupTarget... targets) {
        return builder().targets(List.of(targets)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MirroredBackupTarget}. */
    public static final class Builder {
        private final List<BackupTarget> targets = new ArrayList<>();
        private WritePolicy policy = WritePolicy.ALL;

        private Builder() {
        }

        /** Adds a mirror; reads prefer mirrors in the order added. */
        public Builder target(BackupTarget target) {
            targets.add(Objects.requireNonNull(target, "target"));
            return this;
        }

        public Builder targets(List<? extends BackupTarget> more) {
            more.forEach(this::target);
            return this;
        }

        public Builder policy(WritePolicy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        public MirroredBackupTarget build() {
            return new MirroredBackupTarget(targets, policy);
        }
    }

    public WritePolicy policy() {
        return policy;
    }

    @Override
    public URI location() {
        return location;
    }

    /** What every mirror supports. */
    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> caps = EnumSet.allOf(Capability.class);
        mirrors.forEach(m -> caps.retainAll(m.capabilities()));
        return Set.copyOf(caps);
    }

    @Override
    public List<BackupTarget> replicas() {
        return mirrors;
    }

    @Override
    public ObjectWriter newWriter(String key, WriteOptions options) {
        ObjectKeys.validate(key);
        List<MirrorWriter.Leg> legs = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        for (BackupTarget m : mirrors) {
            try {
                legs.add(new MirrorWriter.Leg(m, m.newWriter(key, options)));
            } catch (ObjectAlreadyExistsException | InvalidKeyException e) {
                legs.forEach(l -> l.writer.abort());
                throw e;
            } catch (RuntimeException e) {
                if (policy == WritePolicy.ALL) {
                    legs.forEach(l -> l.writer.abort());
                    throw new StorageException("Could not write " + key + " to mirror " + m.location()
                            + " (write policy ALL): " + e.getMessage(), e);
                }
                log.warn("Mirror {} cannot take {}: {}; continuing with the other mirrors", m.location(), key,
                        e.toString());
                failures.add(e);
            }
        }
        if (legs.isEmpty()) {
            throw allFailed("write", key, failures);
        }
        return new MirrorWriter(key, options.createOnly(), policy, this::allFailed, legs, failures);
    }

    private StorageException allFailed(String action, String key, List<? extends Exception> failures) {
        StorageException e = new StorageException("Could not " + action + " " + key + " on any mirror of " + location
                + ": " + failures.stream().map(Throwable::getMessage).collect(Collectors.joining("; ")),
                failures.isEmpty() ? null : failures.get(0));
        failures.stream().skip(1).forEach(e::addSuppressed);
        return e;
    }


    @Override
    public InputStream get(String key, ByteRange range) {
        ObjectKeys.validate(key);
        return new FailoverInputStream(key, range, open(key, range, 0, new ArrayList<>()));
    }

    /**
     * Opens the object on the first mirror that has it, starting at index {@code from}. When no mirror has it and
     * some failed, the object may well exist: that is a {@link StorageException} under {@link WritePolicy#ALL}
     * (every mirror should have everything); under {@link WritePolicy#AT_LEAST_ONE} the mirrors that answered
     * decide, and it is an {@link ObjectNotFoundException}.
     */
    private Opened open(String key, ByteRange range, int from, List<Exception> failures) {
        int failed = 0;
        for (int i = from; i < mirrors.size(); i++) {
            BackupTarget m = mirrors.get(i);
            try {
                return new Opened(i, m.get(key, range));
            } catch (ObjectNotFoundException e) {
                log.debug("{} is missing on mirror {}", key, m.location());
            } catch (RuntimeException e) {
                failed++;
                log.warn("Mirror {} failed to read {}: {}; trying the next mirror", m.location(), key, e.toString());
                failures.add(e);
            }
        }
        int asked = mirrors.size() - from;
        if (failed == 0 || (policy == WritePolicy.AT_LEAST_ONE && failed < asked)) {
            ObjectNotFoundException e = new ObjectNotFoundException(key, location.toString());
            failures.forEach(e::addSuppressed);
            throw e;
        }
        throw allFailed("read", key, failures);
    }

    private record Opened(int index, InputStream in) {
    }

    /** Reads from one mirror; if it fails halfway, continues from the next mirror at the same offset. */
    private final class FailoverInputStream extends BlockInputStream {
        private final String key;
        private final ByteRange range;
        private final List<Exception> failures = new ArrayList<>();
        private int index;
        private long read;

        FailoverInputStream(String key, ByteRange range, Opened first) {
            super(first.in());
            this.key = key;
            this.range = range;
            this.index = first.index();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                if (in == null) {
                    throw new IOException("Stream of " + key + " is closed");
                }
                try {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        read += n;
                    }
                    return n;
                } catch (IOException | RuntimeException e) {
                    failures.add(e);
                    log.warn("Mirror {} failed while reading {} at byte {}: {}; resuming from the next mirror",
                            mirrors.get(index).location(), key, range.offset() + read, e.toString());
                    closeQuietly(in);
                    in = null;
                    long length = range.length() < 0 ? -1 : range.length() - read;
                    try {
                        Opened o = open(key, new ByteRange(range.offset() + read, length), index + 1, failures);
                        in = o.in();
                        index = o.index();
                    } catch (StorageException none) {
                        if (e instanceof IOException io) {
                            throw io;
                        }
                        throw (RuntimeException) e;
                    }
                }
            }
        }

        @Override
        public int available() throws IOException {
            return in == null ? 0 : in.available();
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
                in = null;
            }
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // already failing
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        ObjectKeys.validate(key);
        List<Exception> failures = new ArrayList<>();
        for (BackupTarget m : mirrors) {
            try {
                Optional<ObjectInfo> info = m.stat(key);
                if (info.isPresent()) {
                    return info;
                }
            } catch (RuntimeException e) {
                log.warn("Mirror {} failed to stat {}: {}", m.location(), key, e.toString());
                failures.add(e);
            }
        }
        if (failures.size() == mirrors.size() || (!failures.isEmpty() && policy == WritePolicy.ALL)) {
            throw allFailed("stat", key, failures);
        }
        return Optional.empty();
    }

    /**
     * One page of the union of the mirrors' listings. The continuation token is the last key returned; each page
     * skips the keys up to it (pages cost O(keys before the page) on the mirrors; use {@link #listAll} for a full
     * scan, which merges the mirrors' own paginated listings in one pass).
     */
    @Override
    public ListPage list(String prefix, @Nullable String continuationToken, int pageSize) {
        ObjectKeys.validateListing(prefix, pageSize);
        try (Stream<ObjectInfo> all = listAll(prefix)) {
            Iterator<ObjectInfo> it = all.filter(o -> continuationToken == null
                    || o.key().compareTo(continuationToken) > 0).iterator();
            List<ObjectInfo> page = new ArrayList<>();
            while (page.size() < pageSize && it.hasNext()) {
                page.add(it.next());
            }
            String next = it.hasNext() ? page.get(page.size() - 1).key() : null;
            return new ListPage(page, next);
        }
    }

    @Override
    public Stream<ObjectInfo> listAll(String prefix) {
        ObjectKeys.validatePrefix(prefix);
        List<Iterator<ObjectInfo>> sources = new ArrayList<>();
        List<Stream<ObjectInfo>> streams = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (BackupTarget m : mirrors) {
            try {
                Stream<ObjectInfo> s = m.listAll(prefix);
                streams.add(s);
                sources.add(s.iterator());
            } catch (RuntimeException e) {
                log.warn("Mirror {} failed to list {}: {}; listing the other mirrors", m.location(), prefix,
                        e.toString());
                failures.add(e);
            }
        }
        if (sources.isEmpty()) {
            throw allFailed("list", prefix, failures);
        }
        Iterator<ObjectInfo> merged = new MergingIterator(sources);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(merged,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT), false)
                .onClose(() -> streams.forEach(Stream::close));
    }


    @Override
    public void delete(String key) {
        ObjectKeys.validate(key);
        List<Exception> failures = new ArrayList<>();
        for (BackupTarget m : mirrors) {
            try {
                m.delete(key);
            } catch (RuntimeException e) {
                log.warn("Mirror {} failed to delete {}: {}", m.location(), key, e.toString());
                failures.add(e);
            }
        }
        if (!failures.isEmpty() && (policy == WritePolicy.ALL || failures.size() == mirrors.size())) {
            StorageException e = new StorageException("Could not delete " + key + " on " + failures.size() + " of "
                    + mirrors.size() + " mirrors of " + location + ": " + failures.stream().map(Throwable::getMessage)
                    .collect(Collectors.joining("; ")) + ". Deleting again is safe", failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (BackupTarget m : mirrors) {
            try {
                m.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "MirroredBackupTarget[" + location + ", policy " + policy + "]";
    }
}
