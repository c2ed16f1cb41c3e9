package io.dr4j.storage.gcs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.ByteRange;
import io.dr4j.core.storage.Capability;
import io.dr4j.core.storage.ListPage;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectKeys;
import io.dr4j.core.storage.ObjectNotFoundException;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;

import org.jspecify.annotations.Nullable;

import com.google.api.gax.paging.Page;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Bucket;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;

/**
 * A {@link BackupTarget} in a Google Cloud Storage bucket ({@code gs://bucket/prefix}).
 *
 * <p>Objects up to one chunk go up in a single request; larger ones through a resumable upload
 * ({@link com.google.cloud.WriteChannel}) that only becomes an object when the writer commits. Create-only writes
 * carry the {@code ifGenerationMatch=0} ({@code doesNotExist}) precondition, which GCS enforces atomically.
 * Reads are ranged through {@link ReadChannel#seek}/{@link ReadChannel#limit}, pinned to the generation found.
 * Immutability: per-object retention (UNLOCKED/LOCKED, bucket needs object retention enabled) and event-based holds.
 */
public final class GcsBackupTarget implements BackupTarget {
    private static final int MAX_PAGE = 1000;

    final GcsSettings settings;
    final Storage storage;
    final GcsLocation location;
    private final boolean ownsClient;
    private volatile boolean retentionVerified;

    GcsBackupTarget(GcsSettings settings, Storage storage, boolean ownsClient) {
        this.settings = settings;
        this.storage = storage;
        this.location = settings.location();
        this.ownsClient = ownsClient;
    }

    public static GcsBackupTargetBuilder builder() {
        return new GcsBackupTargetBuilder();
    }

    public GcsSettings settings() {
        return settings;
    }

    @Override
    public URI location() {
        return location.toUri();
    }

    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> caps = EnumSet.of(Capability.CONDITIONAL_CREATE, Capability.RANGED_READ,
                Capability.CONSISTENT_LISTING);
        if (settings.kmsKeyName() != null) {
            caps.add(Capability.SERVER_SIDE_ENCRYPTION);
        }
        if (retentionVerified) {
            caps.add(Capability.IMMUTABILITY);
        }
        return Collections.unmodifiableSet(caps);
    }

    /**
     * Checks that the bucket exists and is listable with these credentials ({@code storage.objects.list}) and, when a
     * retention mode is configured, that the bucket has object retention enabled ({@code storage.buckets.get}).
     */
    public void verify() {
        try {
            storage.list(location.bucket(), Storage.BlobListOption.prefix(location.prefix()),
                    Storage.BlobListOption.pageSize(1));
        } catch (RuntimeException e) {
            throw GcsErrors.translate("list", "", settings, "storage.objects.list", e);
        }
        if (settings.retentionMode() != null) {
            Bucket bucket;
            try {
                bucket = storage.get(location.bucket(), Storage.BucketGetOption.fields(
                        Storage.BucketField.OBJECT_RETENTION, Storage.BucketField.RETENTION_POLICY));
            } catch (RuntimeException e) {
                throw GcsErrors.translate("read the retention settings of", "", settings, "storage.buckets.get", e);
            }
            if (bucket == null) {
                throw new StorageException("GCS bucket '" + location.bucket() + "' does not exist at "
                        + settings.endpointDescription() + ". Create it with object retention enabled");
            }
            BucketInfo.ObjectRetention r = bucket.getObjectRetention();
            if (r == null || r.getMode() != BucketInfo.ObjectRetention.Mode.ENABLED) {
                throw new ConfigurationException("GCS bucket '" + location.bucket() + "' does not have object retention "
                        + "enabled, but dr.storage.gcs.retention-mode=" + settings.retentionMode() + " is set. Create the "
                        + "bucket with --enable-per-object-retention or unset dr.storage.gcs.retention-mode");
            }
            retentionVerified = true;
        }
    }

    @Override
    public ObjectWriter newWriter(String key, WriteOptions options) {
        ObjectKeys.validate(key);
        return new GcsObjectWriter(this, key, options);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        ObjectKeys.validate(key);
        BlobId id = BlobId.of(location.bucket(), location.objectName(key));
        Blob blob;
        try {
            blob = storage.get(id);
        } catch (RuntimeException e) {
            throw GcsErrors.translate("read", key, settings, "storage.objects.get", e);
        }
        if (blob == null) {
            throw new ObjectNotFoundException(key, location.toString());
        }
        long size = blob.getSize() == null ? 0 : blob.getSize();
        if (range.length() == 0 || range.offset() >= size) {
            return InputStream.nullInputStream();
        }
        try {
            ReadChannel ch = blob.getGeneration() == null ? storage.reader(id)
                    : storage.reader(id, Storage.BlobSourceOption.generationMatch(blob.getGeneration()));
            ch.setChunkSize(2 * 1024 * 1024);
            if (range.offset() > 0) {
                ch.seek(range.offset());
            }
            long end = range.length() < 0 ? size : Math.min(size, range.offset() + range.length());
            if (end < size) {
                ch.limit(end);
            }
            InputStream in = Channels.newInputStream(ch);
            if (end == size) {
                return new Translating(in, key);
            }
            // the known end bounds the stream too, whatever the channel does with a limit past the end
            return new Translating(new io.dr4j.core.storage.LimitedInputStream(in, end - range.offset()), key);
        } catch (IOException | RuntimeException e) {
            throw GcsErrors.translate("read", key, settings, "storage.objects.get",
                    e instanceof RuntimeException re ? re : new java.io.UncheckedIOException((IOException) e));
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        ObjectKeys.validate(key);
        try {
            Blob b = storage.get(BlobId.of(location.bucket(), location.objectName(key)));
            return Optional.ofNullable(b).map(this::info);
        } catch (RuntimeException e) {
            throw GcsErrors.translate("stat", key, settings, "storage.objects.get", e);
        }
    }

    ObjectInfo info(Blob b) {
        Instant modified = b.getUpdateTimeOffsetDateTime() != null ? b.getUpdateTimeOffsetDateTime().toInstant()
                : Instant.EPOCH;
        Instant until = b.getRetention() != null && b.getRetention().getRetainUntilTime() != null
                ? b.getRetention().getRetainUntilTime().toInstant() : null;
        return new ObjectInfo(location.relative(b.getName()), b.getSize() == null ? 0 : b.getSize(), modified,
                b.getGeneration() == null ? b.getEtag() : String.valueOf(b.getGeneration()),
                b.getMetadata() == null ? Map.of() : withoutNulls(b.getMetadata()), until);
    }

    private static Map<String, String> withoutNulls(Map<String, String> m) {
        Map<String, String> out = new java.util.HashMap<>();
        m.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Override
    public ListPage list(String prefix, @Nullable String continuationToken, int pageSize) {
        ObjectKeys.validateListing(prefix, pageSize);
        List<Storage.BlobListOption> opts = new ArrayList<>(List.of(
                Storage.BlobListOption.prefix(location.objectName(prefix)),
                Storage.BlobListOption.pageSize(Math.min(pageSize, MAX_PAGE))));
        if (continuationToken != null) {
            opts.add(Storage.BlobListOption.pageToken(continuationToken));
        }
        Page<Blob> page;
        try {
            page = storage.list(location.bucket(), opts.toArray(Storage.BlobListOption[]::new));
        } catch (RuntimeException e) {
            throw GcsErrors.translate("list", prefix, settings, "storage.objects.list", e);
        }
        List<ObjectInfo> objects = new ArrayList<>();
        for (Blob b : page.getValues()) {
            if (!b.isDirectory() && !b.getName().endsWith("/")) {
                objects.add(info(b));
            }
        }
        objects.sort(Comparator.comparing(ObjectInfo::key));
        String next = page.getNextPageToken();
        return new ListPage(objects, next == null || next.isEmpty() ? null : next);
    }

    @Override
    public List<String> listChildren(String prefix) {
        ObjectKeys.validateParent(prefix);
        String full = location.objectName(prefix);
        TreeSet<String> names = new TreeSet<>();
        try {
            Page<Blob> page = storage.list(location.bucket(), Storage.BlobListOption.prefix(full),
                    Storage.BlobListOption.currentDirectory(), Storage.BlobListOption.pageSize(MAX_PAGE));
            for (Blob b : page.iterateAll()) {
                String name = b.getName().substring(full.length());
                if (name.endsWith("/")) {
                    name = name.substring(0, name.length() - 1);
                }
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        } catch (RuntimeException e) {
            throw GcsErrors.translate("list", prefix, settings, "storage.objects.list", e);
        }
        return List.copyOf(names);
    }

    @Override
    public void delete(String key) {
        ObjectKeys.validate(key);
        try {
            storage.delete(BlobId.of(location.bucket(), location.objectName(key)));
        } catch (com.google.cloud.storage.StorageException e) {
            if (!GcsErrors.isNotFound(e)) {
                throw GcsErrors.translate("delete", key, settings, "storage.objects.delete", e);
            }
        } catch (RuntimeException e) {
            throw GcsErrors.translate("delete", key, settings, "storage.objects.delete", e);
        }
    }

    @Override
    public void close() {
        if (ownsClient) {
            try {
                storage.close();
            } catch (Exception e) {
                // nothing left to release
            }
        }
    }

    @Override
    public String toString() {
        return "GcsBackupTarget[" + location + " at " + settings.endpointDescription() + "]";
    }

    /** Client exceptions during a read surface as IOExceptions naming the object. */
    private final class Translating extends FilterInputStream {
        private final String key;

        Translating(InputStream in, String key) {
            super(in);
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (RuntimeException e) {
                throw io(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (RuntimeException e) {
                throw io(e);
            }
        }

        private IOException io(RuntimeException e) {
            StorageException se = GcsErrors.translate("read", key, settings, "storage.objects.get", e);
            return new IOException(se.getMessage(), se);
        }
    }
}
