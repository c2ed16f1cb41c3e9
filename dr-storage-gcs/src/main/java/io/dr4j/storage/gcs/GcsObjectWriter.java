package io.dr4j.storage.gcs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;

import org.jspecify.annotations.Nullable;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;

/**
 * Streams one object of unknown length into GCS. Bytes collect in a buffer of up to one chunk; an object that fits
 * goes up in one request on commit, a larger one through a resumable upload whose chunks are sent as they fill.
 * The object exists only after {@link #commit()}: an aborted resumable session never becomes an object (GCS drops
 * unfinished sessions after a week; they are not billed as objects).
 */
final class GcsObjectWriter extends ObjectWriter {
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final GcsBackupTarget target;
    private final String key;
    private final WriteOptions options;
    private final BlobInfo info;
    private final int chunkSize;
    private final @Nullable Instant retainUntil;
    private byte[] buffer = new byte[0];
    private int buffered;
    private @Nullable WriteChannel channel;
    private long size;
    private boolean finished;

    GcsObjectWriter(GcsBackupTarget target, String key, WriteOptions options) {
        this.target = target;
        this.key = key;
        this.options = options;
        this.chunkSize = target.settings.chunkSize();
        GcsSettings s = target.settings;
        this.retainUntil = options.retainUntil() != null ? options.retainUntil()
                : s.retentionMode() != null && s.retention() != null ? Instant.now().plus(s.retention()) : null;
        BlobInfo.Builder b = BlobInfo.newBuilder(target.location.bucket(), target.location.objectName(key))
                .setContentType("application/octet-stream");
        if (!options.metadata().isEmpty()) {
            b.setMetadata(options.metadata());
        }
        if (retainUntil != null) {
            b.setRetention(BlobInfo.Retention.newBuilder()
                    .setMode(s.retentionMode() == GcsSettings.RetentionMode.LOCKED ? BlobInfo.Retention.Mode.LOCKED
                            : BlobInfo.Retention.Mode.UNLOCKED)
                    .setRetainUntilTime(retainUntil.atOffset(ZoneOffset.UTC)).build());
        }
        if (s.eventBasedHold()) {
            b.setEventBasedHold(true);
        }
        this.info = b.build();
    }

    /** The BlobInfo this writer creates (for tests). */
    BlobInfo blobInfo() {
        return info;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (finished) {
            throw new IOException("Writer for " + key + " in " + target.location + " is closed");
        }
        size += len;
        if (channel == null && buffered + len <= chunkSize) {
            if (buffered + len > buffer.length) {
                int cap = Math.max(INITIAL_BUFFER, buffer.length);
                while (cap < buffered + len) {
                    cap = Math.min(cap * 2, chunkSize);
                }
                buffer = Arrays.copyOf(buffer, cap);
            }
            System.arraycopy(b, off, buffer, buffered, len);
            buffered += len;
            return;
        }
        try {
            if (channel == null) {
                channel = open();
                drain(ByteBuffer.wrap(buffer, 0, buffered));
                buffer = new byte[0];
                buffered = 0;
            }
            drain(ByteBuffer.wrap(b, off, len));
        } catch (com.google.cloud.storage.StorageException e) {
            abort();
            if (options.createOnly() && GcsErrors.isPreconditionFailed(e)) {
                throw new ObjectAlreadyExistsException(key, target.location.toString(), e);
            }
            throw io(e);
        } catch (IOException e) {
            abort();
            if (e.getCause() instanceof com.google.cloud.storage.StorageException se && options.createOnly()
                    && GcsErrors.isPreconditionFailed(se)) {
                throw new ObjectAlreadyExistsException(key, target.location.toString(), e);
            }
            throw e;
        }
    }

    private void drain(ByteBuffer bb) throws IOException {
        WriteChannel ch = channel;
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
    }

    private WriteChannel open() {
        List<Storage.BlobWriteOption> opts = new ArrayList<>();
        if (options.createOnly()) {
            opts.add(Storage.BlobWriteOption.doesNotExist());
        }
        if (target.settings.kmsKeyName() != null) {
            opts.add(Storage.BlobWriteOption.kmsKeyName(target.settings.kmsKeyName()));
        }
        WriteChannel ch = target.storage.writer(info, opts.toArray(Storage.BlobWriteOption[]::new));
        ch.setChunkSize(chunkSize);
        return ch;
    }

    @Override
    public ObjectInfo commit() throws IOException {
        if (finished) {
            throw new IOException("Writer for " + key + " in " + target.location + " is already closed");
        }
        try {
            if (channel == null) {
                List<Storage.BlobTargetOption> opts = new ArrayList<>();
                if (options.createOnly()) {
                    opts.add(Storage.BlobTargetOption.doesNotExist());
                }
                if (target.settings.kmsKeyName() != null) {
                    opts.add(Storage.BlobTargetOption.kmsKeyName(target.settings.kmsKeyName()));
                }
                Blob blob = target.storage.create(info, buffer, 0, buffered, opts.toArray(Storage.BlobTargetOption[]::new));
                finished = true;
                return result(blob);
            }
            WriteChannel ch = channel;
            finished = true;
            ch.close();
            return result(null);
        } catch (com.google.cloud.storage.StorageException e) {
            finished = true;
            if (options.createOnly() && GcsErrors.isPreconditionFailed(e)) {
                throw new ObjectAlreadyExistsException(key, target.location.toString(), e);
            }
            throw GcsErrors.translate("write", key, target.settings, "storage.objects.create", e);
        } catch (IOException e) {
            finished = true;
            if (e.getCause() instanceof com.google.cloud.storage.StorageException se && options.createOnly()
                    && GcsErrors.isPreconditionFailed(se)) {
                throw new ObjectAlreadyExistsException(key, target.location.toString(), e);
            }
            throw e;
        } finally {
            buffer = new byte[0];
        }
    }

    private ObjectInfo result(@Nullable Blob blob) {
        if (blob != null && blob.getName() != null) {
            ObjectInfo i = target.info(blob);
            return new ObjectInfo(key, size, i.lastModified(), i.etag(), options.metadata(), retainUntil);
        }
        return new ObjectInfo(key, size, Instant.now(), null, options.metadata(), retainUntil);
    }

    private IOException io(com.google.cloud.storage.StorageException e) {
        StorageException se = GcsErrors.translate("write", key, target.settings, "storage.objects.create", e);
        return new IOException(se.getMessage(), se);
    }

    /** Drops the buffer and the resumable session without finalizing it: no object is created. */
    @Override
    public void abort() {
        finished = true;
        channel = null;
        buffer = new byte[0];
        buffered = 0;
    }
}
