package io.dr4j.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Streams one object of unknown length into S3. Bytes collect in a part buffer; an object that fits in one part
 * goes up as a single PUT on commit, a larger one as a multipart upload whose parts upload in parallel on the
 * target's pool. At most {@code concurrency} buffers of {@code partSize} exist per writer: when all are in flight,
 * {@link #write} waits. Any failure, {@link #abort()} or {@link #close()} without commit aborts the multipart upload.
 */
final class S3ObjectWriter extends ObjectWriter {
    private static final Logger log = LoggerFactory.getLogger(S3ObjectWriter.class);
    /** S3's limit on the number of parts of one upload. */
    static final int MAX_PARTS = 10_000;

    private final S3BackupTarget target;
    private final String key;
    private final String objectKey;
    private final WriteOptions options;
    private final int partSize;
    private final int maxBuffers;
    private final BlockingQueue<PartBuffer> free;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private final AtomicLong allocated = new AtomicLong();
    private final @Nullable Instant retainUntil;
    private int buffers;
    private PartBuffer current;
    private @Nullable String uploadId;
    private int nextPart = 1;
    private long size;
    private boolean finished;

    S3ObjectWriter(S3BackupTarget target, String key, WriteOptions options) {
        this.target = target;
        this.key = key;
        this.objectKey = target.location.objectKey(key);
        this.options = options;
        this.partSize = partSizeFor(target.settings.partSize(), options.sizeHint());
        this.maxBuffers = target.settings.concurrency();
        this.free = new ArrayBlockingQueue<>(maxBuffers);
        this.retainUntil = target.retainUntil(options);
        this.current = newBuffer(0);
    }

    /**
     * The configured part size, raised when the size hint says the object would need more than S3's 10,000 parts
     * (the multipart limit), and capped below 2 GiB per buffer.
     */
    static int partSizeFor(long configured, long sizeHint) {
        long size = configured;
        if (sizeHint > 0 && (sizeHint + size - 1) / size > MAX_PARTS - 100) {
            size = (sizeHint + MAX_PARTS - 101) / (MAX_PARTS - 100);
            size = (size + 1024 * 1024 - 1) / (1024 * 1024) * (1024 * 1024);
        }
        return (int) Math.min(size, Integer.MAX_VALUE - 1024 * 1024);
    }

    /** Bytes of part buffers this writer has allocated (for tests: never above partSize × concurrency). */
    long allocatedBufferBytes() {
        return allocated.get();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (finished) {
            throw new IOException("Writer for " + key + " in " + target.location + " is closed");
        }
        while (len > 0) {
            int n = current.append(b, off, len, partSize);
            off += n;
            len -= n;
            size += n;
            if (current.size == partSize) {
                sendPart();
            }
        }
    }

    private void sendPart() throws IOException {
        failFast();
        if (nextPart > MAX_PARTS) {
            abort();
            throw new StorageException("Object " + key + " in " + target.location + " is larger than "
                    + MAX_PARTS + " parts of " + partSize + " bytes, S3's multipart limit. Raise dr.storage.s3.part-size "
                    + "or pass the expected size as WriteOptions.sizeHint");
        }
        try {
            if (uploadId == null) {
                uploadId = target.s3.createMultipartUpload(createRequest()).uploadId();
                log.debug("Started multipart upload of {} ({} byte parts, {} in parallel)", objectKey, partSize, maxBuffers);
            }
        } catch (SdkException e) {
            abort();
            throw notImplemented(e).orElseGet(() -> target.error("start a multipart upload of", key, "s3:PutObject", e));
        }
        PartBuffer part = current;
        int number = nextPart++;
        String id = uploadId;
        parts.add(target.uploads.submit(() -> uploadPart(id, number, part)));
        current = nextBuffer();
    }

    private CompletedPart uploadPart(String id, int number, PartBuffer part) {
        try {
            UploadPartResponse r = target.s3.uploadPart(b -> {
                b.bucket(target.location.bucket()).key(objectKey).uploadId(id).partNumber(number)
                        .contentLength((long) part.size);
                if (!target.settings.checksumWhenRequired()) {
                    b.checksumAlgorithm(ChecksumAlgorithm.CRC32);
                }
            }, RequestBody.fromContentProvider(() -> new ByteArrayInputStream(part.data, 0, part.size), part.size,
                    "application/octet-stream"));
            return CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumCRC32(r.checksumCRC32()).build();
        } finally {
            part.size = 0;
            free.offer(part);
        }
    }

    /** A free buffer: a new one while fewer than concurrency exist, else the next one an upload gives back. */
    private PartBuffer nextBuffer() throws IOException {
        PartBuffer b = free.poll();
        if (b != null) {
            return b;
        }
        if (buffers < maxBuffers) {
            return newBuffer(partSize); // the object is large: no point growing this one step by step
        }
        try {
            while (true) {
                b = free.poll(100, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
                failFast();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            throw new InterruptedIOException("Interrupted while uploading " + key);
        }
    }

    private PartBuffer newBuffer(int capacity) {
        buffers++;
        return new PartBuffer(allocated, capacity);
    }

    /** Surfaces a failed part upload while the caller is still writing. */
    private void failFast() throws IOException {
        for (Future<CompletedPart> f : parts) {
            if (f.isDone()) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    abort();
                    throw failure(e.getCause());
                } catch (InterruptedException | CancellationException e) {
                    abort();
                    throw new InterruptedIOException("Upload of " + key + " was interrupted");
                }
            }
        }
    }

    @Override
    public ObjectInfo commit() throws IOException {
        if (finished) {
            throw new IOException("Writer for " + key + " in " + target.location + " is already closed");
        }
        try {
            ObjectInfo info = uploadId == null ? putSingle(options.createOnly() && target.useConditionalHeader()) : completeMultipart();
            finished = true;
            return info;
        } catch (RuntimeException | IOException e) {
            abort();
            throw e;
        }
    }

    private ObjectInfo putSingle(boolean conditional) {
        if (options.createOnly() && !conditional) {
            requireAbsent();
        }
        try {
            PutObjectResponse r = target.s3.putObject(putRequest(conditional),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(current.data, 0, current.size),
                            current.size, "application/octet-stream"));
            return new ObjectInfo(key, size, Instant.now(), r.eTag(), options.metadata(), retainUntil);
        } catch (SdkException e) {
            if (conditional && S3Errors.isPreconditionFailed(e)) {
                ObjectInfo ours = ownEarlierAttempt(e, () -> "\"" + S3Etags.md5Hex(current.data, 0, current.size) + "\"");
                if (ours != null) {
                    return ours;
                }
                throw new ObjectAlreadyExistsException(key, target.location.toString(), e);
            }
            if (conditional && S3Errors.isNotImplemented(e)) {
                // If-None-Match or another header (Object Lock, SSE) is not implemented: find out which
                target.conditionalWritesUnsupported(key, e, true);
                ObjectInfo info = putSingle(false);
                target.conditionalWritesUnsupported(key, e, false);
                return info;
            }
            throw notImplemented(e).orElseGet(() -> target.error("write", key, "s3:PutObject", e));
        }
    }

    private ObjectInfo completeMultipart() throws IOException {
        if (current.size > 0) {
            sendPart();
        }
        List<CompletedPart> done = new ArrayList<>();
        for (Future<CompletedPart> f : parts) {
            try {
                done.add(f.get());
            } catch (ExecutionException e) {
                throw failure(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while uploading " + key);
            }
        }
        done.sort(Comparator.comparingInt(CompletedPart::partNumber));
        return complete(done, options.createOnly() && target.useConditionalHeader());
    }

    private ObjectInfo complete(List<CompletedPart> done, boolean conditional) {
        if (options.createOnly() && !conditional) {
            requireAbsent();
        }
        CompleteMultipartUploadRequest.Builder req = CompleteMultipartUploadRequest.builder()
                .bucket(target.location.bucket()).key(objectKey).uploadId(uploadId)
                .multipartUpload(m -> m.parts(done));
        if (conditional) {
            req.ifNoneMatch("*");
        }
        try {
            CompleteMultipartUploadResponse r = target.s3.completeMultipartUpload(req.build());
            log.debug("Completed multipart upload of {}: {} parts, {} bytes", objectKey, done.size(), size);
            return new ObjectInfo(key, size, Instant.now(), r.eTag(), options.metadata(), retainUntil);
        } catch (SdkException e) {
            if (conditional && (S3Errors.isPreconditionFailed(e) || S3Errors.code(e).equals("NoSuchUpload"))) {
                ObjectInfo ours = ownEarlierAttempt(e, () -> S3Etags.multipart(done));
                if (ours != null) {
                    return ours;
                }
                if (S3Errors.isPreconditionFailed(e)) {
                    throw new ObjectAlreadyExistsException(key, target.location.toString(), e);
                }
            }
            if (conditional && S3Errors.isNotImplemented(e)) {
                target.conditionalWritesUnsupported(key, e, true);
                ObjectInfo info = complete(done, false);
                target.conditionalWritesUnsupported(key, e, false);
                return info;
            }
            throw target.error("complete the multipart upload of", key, "s3:PutObject", e);
        }
    }

    /**
     * A create-only request that the SDK retried (its first response was lost: a 5xx or a broken connection after
     * the store had already stored the object) is answered 412. When the object now stored has exactly our size and
     * ETag, it is this writer's own earlier attempt: the write succeeded. Anything else is someone else's object.
     */
    private @Nullable ObjectInfo ownEarlierAttempt(SdkException e,
                                                   java.util.function.Supplier<@Nullable String> etagOfOurs) {
        Integer attempts = e.numAttempts();
        if (attempts == null || attempts < 2) {
            return null;
        }
        String expectedEtag = etagOfOurs.get();
        if (expectedEtag == null) {
            return null;
        }
        java.util.Optional<ObjectInfo> stored = target.stat(key);
        if (stored.isPresent() && stored.get().size() == size && expectedEtag.equals(stored.get().etag())) {
            log.debug("Create-only write of {} was retried after its first attempt had succeeded; ETag {} matches",
                    objectKey, expectedEtag);
            return new ObjectInfo(key, size, stored.get().lastModified(), stored.get().etag(), options.metadata(),
                    retainUntil);
        }
        return null;
    }

    /** Check-then-write for stores without conditional writes (not atomic). */
    private void requireAbsent() {
        if (target.stat(key).isPresent()) {
            throw new ObjectAlreadyExistsException(key, target.location.toString());
        }
    }

    private PutObjectRequest putRequest(boolean conditional) {
        PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(target.location.bucket()).key(objectKey)
                .contentLength((long) current.size).metadata(options.metadata());
        if (conditional) {
            b.ifNoneMatch("*");
        }
        if (target.settings.encryption() == S3Settings.Encryption.SSE_S3) {
            b.serverSideEncryption(ServerSideEncryption.AES256);
        } else if (target.settings.encryption() == S3Settings.Encryption.SSE_KMS) {
            b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(target.settings.kmsKeyId());
        }
        if (retainUntil != null) {
            // Object Lock requires a content checksum even when checksums are otherwise only sent when required
            b.objectLockMode(lockMode()).objectLockRetainUntilDate(retainUntil).checksumAlgorithm(ChecksumAlgorithm.CRC32);
        }
        return b.build();
    }

    private CreateMultipartUploadRequest createRequest() {
        CreateMultipartUploadRequest.Builder b = CreateMultipartUploadRequest.builder()
                .bucket(target.location.bucket()).key(objectKey).metadata(options.metadata());
        if (target.settings.encryption() == S3Settings.Encryption.SSE_S3) {
            b.serverSideEncryption(ServerSideEncryption.AES256);
        } else if (target.settings.encryption() == S3Settings.Encryption.SSE_KMS) {
            b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(target.settings.kmsKeyId());
        }
        if (!target.settings.checksumWhenRequired()) {
            b.checksumAlgorithm(ChecksumAlgorithm.CRC32);
        }
        if (retainUntil != null) {
            b.objectLockMode(lockMode()).objectLockRetainUntilDate(retainUntil);
        }
        return b.build();
    }

    /** A 501 on a request that asked for Object Lock or SSE: the store lacks that feature. */
    private java.util.Optional<StorageException> notImplemented(SdkException e) {
        if (!S3Errors.isNotImplemented(e)) {
            return java.util.Optional.empty();
        }
        String what = retainUntil != null ? "S3 Object Lock (x-amz-object-lock-mode/-retain-until-date), requested to lock "
                + key + " until " + retainUntil : target.settings.encryption() != S3Settings.Encryption.NONE
                ? "server-side encryption " + target.settings.encryption() : "a header of the request";
        return java.util.Optional.of(new StorageException("The store at " + target.settings.endpointDescription()
                + " does not implement " + what + " (501 NotImplemented). Nothing was written to " + target.location
                + ". Use a store that supports it, or remove the setting (dr.storage.s3.object-lock.*, dr.storage.s3.sse,"
                + " WriteOptions.retainUntil)", e));
    }

    private ObjectLockMode lockMode() {
        S3Settings.LockMode m = target.settings.objectLockMode();
        return m == S3Settings.LockMode.COMPLIANCE ? ObjectLockMode.COMPLIANCE : ObjectLockMode.GOVERNANCE;
    }

    private IOException failure(Throwable cause) {
        if (cause instanceof SdkException e) {
            StorageException se = target.error("upload a part of", key, "s3:PutObject", e);
            return new IOException(se.getMessage(), se);
        }
        if (cause instanceof RuntimeException re && re instanceof StorageException se) {
            return new IOException(se.getMessage(), se);
        }
        return new IOException("Uploading a part of " + key + " to " + target.location + " failed: " + cause, cause);
    }

    @Override
    public void abort() {
        if (finished) {
            return;
        }
        finished = true;
        for (Future<CompletedPart> f : parts) {
            f.cancel(false); // parts not started never start; running ones finish (an interrupted HTTP call may be retried)
        }
        for (Future<CompletedPart> f : parts) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | CancellationException e) {
                // the upload is being aborted anyway
            }
        }
        if (uploadId != null) {
            try {
                target.s3.abortMultipartUpload(b -> b.bucket(target.location.bucket()).key(objectKey).uploadId(uploadId));
                log.debug("Aborted multipart upload of {}", objectKey);
            } catch (SdkException e) {
                log.warn("Could not abort the multipart upload {} of {}; a bucket lifecycle rule "
                        + "(AbortIncompleteMultipartUpload) removes it later: {}", uploadId, objectKey, S3Errors.describe(e));
            }
        }
        current.release();
    }
}
