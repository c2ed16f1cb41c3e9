package io.dr4j.storage.s3;

import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectLockConfigurationResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link BackupTarget} in an S3 bucket ({@code s3://bucket/prefix}), for Amazon S3 and S3-compatible stores.
 *
 * <p>Objects of unknown length are streamed: small objects go up as one PUT, larger ones as a multipart upload whose
 * parts are uploaded in parallel, with memory bounded by {@code partSize × concurrency} per open writer. A failed
 * or aborted write aborts its multipart upload, so no parts are left behind. Create-only writes send
 * {@code If-None-Match: *}; a store that answers 501 is detected and reported (no {@link Capability#CONDITIONAL_CREATE}).
 *
 * <p>Build one with {@link #builder()} or open {@code s3://} URIs through
 * {@link io.dr4j.core.storage.BackupTargets} with the {@code dr.storage.s3.*} settings (see {@link S3BackupTargetProvider}).
 */
public final class S3BackupTarget implements BackupTarget {
    private static final Logger log = LoggerFactory.getLogger(S3BackupTarget.class);
    private static final int MAX_KEYS = 1000;

    final S3Settings settings;
    final S3Client s3;
    final S3Location location;
    final ExecutorService uploads;
    private final boolean ownsClient;
    private volatile boolean conditionalWritesWork;
    private volatile boolean lockVerified;

    S3BackupTarget(S3Settings settings, S3Client s3, boolean ownsClient) {
        this.settings = settings;
        this.s3 = s3;
        this.ownsClient = ownsClient;
        this.location = settings.location();
        this.conditionalWritesWork = settings.conditionalWrites() != S3Settings.ConditionalWrites.OFF;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "dr4j-s3-upload-" + settings.location().bucket() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.uploads = Executors.newFixedThreadPool(settings.concurrency(), tf);
    }

    /** A builder; {@link S3BackupTargetBuilder#location(URI)} (or {@code location(bucket, prefix)}) is required. */
    public static S3BackupTargetBuilder builder() {
        return new S3BackupTargetBuilder();
    }

    /** What this target was configured with (no secrets). */
    public S3Settings settings() {
        return settings;
    }

    @Override
    public URI location() {
        return location.toUri();
    }

    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> caps = EnumSet.of(Capability.RANGED_READ, Capability.CONSISTENT_LISTING);
        if (conditionalWritesWork) {
            caps.add(Capability.CONDITIONAL_CREATE);
        }
        if (settings.encryption() != S3Settings.Encryption.NONE) {
            caps.add(Capability.SERVER_SIDE_ENCRYPTION);
        }
        if (settings.objectLockMode() != null && lockVerified) {
            caps.add(Capability.IMMUTABILITY);
        }
        return Collections.unmodifiableSet(caps);
    }

    /**
     * Checks that the bucket exists and is reachable with these credentials and, when Object Lock is configured,
     * that the bucket has Object Lock enabled. Called by {@link S3BackupTargetBuilder#build()} unless
     * {@code verifyOnOpen(false)}.
     *
     * @throws StorageException naming the bucket and the fix
     */
    public void verify() {
        try {
            s3.headBucket(b -> b.bucket(location.bucket()));
        } catch (SdkException e) {
            throw error("open", "", "s3:ListBucket", e);
        }
        if (settings.objectLockMode() != null) {
            GetObjectLockConfigurationResponse lock;
            try {
                lock = s3.getObjectLockConfiguration(b -> b.bucket(location.bucket()));
            } catch (SdkException e) {
                if (S3Errors.code(e).equals("ObjectLockConfigurationNotFoundError")) {
                    throw new ConfigurationException(lockMissing());
                }
                if (S3Errors.isNotImplemented(e)) {
                    throw new ConfigurationException("The store at " + settings.endpointDescription()
                            + " does not implement S3 Object Lock, but dr.storage.s3.object-lock.mode="
                            + settings.objectLockMode() + " is set. Use a store with Object Lock or unset the mode");
                }
                throw error("check the Object Lock configuration of", "", "s3:GetBucketObjectLockConfiguration", e);
            }
            if (lock.objectLockConfiguration() == null
                    || lock.objectLockConfiguration().objectLockEnabled() != ObjectLockEnabled.ENABLED) {
                throw new ConfigurationException(lockMissing());
            }
            lockVerified = true;
        }
    }

    private String lockMissing() {
        return "S3 bucket '" + location.bucket() + "' has no Object Lock enabled, but dr.storage.s3.object-lock.mode="
                + settings.objectLockMode() + " is set. Create a bucket with Object Lock (it can only be enabled at "
                + "creation or through AWS support) or unset dr.storage.s3.object-lock.mode";
    }

    @Override
    public ObjectWriter newWriter(String key, WriteOptions options) {
        ObjectKeys.validate(key);
        return new S3ObjectWriter(this, key, options);
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        ObjectKeys.validate(key);
        String objectKey = location.objectKey(key);
        if (range.length() == 0) {
            if (stat(key).isEmpty()) {
                throw new ObjectNotFoundException(key, location.toString());
            }
            return InputStream.nullInputStream();
        }
        try {
            return new S3ResumingInputStream(this, key, range.offset(), s3.getObject(b -> {
                b.bucket(location.bucket()).key(objectKey);
                if (!range.isAll()) {
                    b.range("bytes=" + range.offset() + "-" + (range.length() < 0 ? "" : range.lastInclusive()));
                }
            }));
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e) || S3Errors.code(e).equals("NoSuchKey")) {
                throw new ObjectNotFoundException(key, location.toString(), e);
            }
            if (S3Errors.status(e) == 416 || S3Errors.code(e).equals("InvalidRange")) {
                // a range starting at or past the end: the bytes that exist there are none
                if (stat(key).isEmpty()) {
                    throw new ObjectNotFoundException(key, location.toString(), e);
                }
                return InputStream.nullInputStream();
            }
            throw error("read", key, "s3:GetObject", e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        ObjectKeys.validate(key);
        try {
            HeadObjectResponse h = s3.headObject(b -> b.bucket(location.bucket()).key(location.objectKey(key)));
            return Optional.of(new ObjectInfo(key, h.contentLength(), h.lastModified(), h.eTag(),
                    h.metadata() == null ? Map.of() : h.metadata(), h.objectLockRetainUntilDate()));
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e) || S3Errors.code(e).equals("NoSuchKey")) {
                return Optional.empty();
            }
            throw error("stat", key, "s3:GetObject", e);
        }
    }

    @Override
    public ListPage list(String prefix, @Nullable String continuationToken, int pageSize) {
        ObjectKeys.validateListing(prefix, pageSize);
        ListObjectsV2Response r;
        try {
            r = s3.listObjectsV2(b -> b.bucket(location.bucket()).prefix(location.objectKey(prefix))
                    .maxKeys(Math.min(pageSize, MAX_KEYS)).continuationToken(continuationToken));
        } catch (SdkException e) {
            throw error("list", prefix, "s3:ListBucket", e);
        }
        List<ObjectInfo> objects = new ArrayList<>();
        for (S3Object o : r.contents()) {
            if (o.key().endsWith("/")) {
                continue; // "folder" markers made by consoles are not objects of ours
            }
            objects.add(new ObjectInfo(location.relative(o.key()), o.size(), o.lastModified(), o.eTag(), Map.of(), null));
        }
        String next = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
        return new ListPage(objects, next);
    }

    @Override
    public List<String> listChildren(String prefix) {
        ObjectKeys.validateParent(prefix);
        String full = location.objectKey(prefix);
        TreeSet<String> names = new TreeSet<>();
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response r;
            try {
                r = s3.listObjectsV2(b -> b.bucket(location.bucket()).prefix(full).delimiter("/").maxKeys(MAX_KEYS)
                        .continuationToken(t));
            } catch (SdkException e) {
                throw error("list", prefix, "s3:ListBucket", e);
            }
            for (CommonPrefix cp : r.commonPrefixes()) {
                String name = cp.prefix().substring(full.length());
                names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
            }
            for (S3Object o : r.contents()) {
                String name = o.key().substring(full.length());
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
            token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
        } while (token != null);
        return List.copyOf(names);
    }

    @Override
    public void delete(String key) {
        ObjectKeys.validate(key);
        try {
            s3.deleteObject(b -> b.bucket(location.bucket()).key(location.objectKey(key)));
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                return;
            }
            throw error("delete", key, "s3:DeleteObject", e);
        }
    }

    @Override
    public void close() {
        uploads.shutdownNow();
        if (ownsClient) {
            s3.close();
        }
    }

    @Override
    public String toString() {
        return "S3BackupTarget[" + location + " at " + settings.endpointDescription() + "]";
    }

    // --- used by S3ObjectWriter ---

    boolean useConditionalHeader() {
        return conditionalWritesWork;
    }

    /**
     * The store answered 501 to a request with If-None-Match. Called twice: before retrying without the header
     * ({@code probing}: fails in REQUIRED mode) and after that retry succeeded, which shows that If-None-Match was
     * the unsupported part; only then the capability is dropped.
     */
    void conditionalWritesUnsupported(String key, SdkException e, boolean probing) {
        if (settings.conditionalWrites() == S3Settings.ConditionalWrites.REQUIRED) {
            throw new StorageException("The store at " + settings.endpointDescription() + " answered 501 NotImplemented "
                    + "to the create-only write of " + key + " (If-None-Match: * is not supported, or another header of "
                    + "the request), and dr.storage.s3.conditional-writes=required. Nothing was written. Use a store that "
                    + "supports conditional writes or set dr.storage.s3.conditional-writes=auto", e);
        }
        if (probing) {
            return;
        }
        if (conditionalWritesWork) {
            log.warn("The store at {} does not support conditional writes (If-None-Match: *): create-only writes to {} "
                    + "fall back to check-then-write, which is not atomic", settings.endpointDescription(), location);
        }
        conditionalWritesWork = false;
    }

    @Nullable Instant retainUntil(WriteOptions options) {
        if (options.retainUntil() != null) {
            return options.retainUntil();
        }
        if (settings.objectLockMode() != null && settings.objectLockRetention() != null) {
            return Instant.now().plus(settings.objectLockRetention());
        }
        return null;
    }

    StorageException error(String action, String key, String permission, SdkException e) {
        return S3Errors.translate(action, key, location, settings.endpointDescription(), permission, e);
    }
}
