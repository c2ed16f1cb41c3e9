package io.dr4j.storage.s3;

import java.io.IOException;
import java.io.InputStream;

import io.dr4j.core.storage.StorageException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The body of a GET that survives broken connections: when a read fails mid-stream, it re-requests the rest
 * ({@code Range: bytes=<position>-<end>}) with {@code If-Match: <etag>}, so a multi-GiB restore does not start
 * over and never mixes two versions of an object. At most {@code maxAttempts - 1} resumptions per stream.
 */
final class S3ResumingInputStream extends InputStream {
    private static final Logger log = LoggerFactory.getLogger(S3ResumingInputStream.class);

    private final S3BackupTarget target;
    private final String key;
    private final long end; // exclusive
    private final @Nullable String etag;
    private ResponseInputStream<GetObjectResponse> in;
    private long position;
    private int resumptionsLeft;

    S3ResumingInputStream(S3BackupTarget target, String key, long offset, ResponseInputStream<GetObjectResponse> first) {
        this.target = target;
        this.key = key;
        this.in = first;
        this.position = offset;
        Long length = first.response().contentLength();
        this.end = length == null ? Long.MAX_VALUE : offset + length;
        this.etag = first.response().eTag();
        this.resumptionsLeft = Math.max(0, target.settings.maxAttempts() - 1);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (position >= end) {
                return -1;
            }
            try {
                int n = in.read(b, off, len);
                if (n > 0) {
                    position += n;
                    return n;
                }
                if (n < 0 && end != Long.MAX_VALUE && position < end) {
                    throw new IOException("connection closed after " + position + " of " + end + " bytes");
                }
                return n;
            } catch (IOException | SdkException e) {
                if (position >= end || resumptionsLeft-- <= 0 || etag == null || end == Long.MAX_VALUE) {
                    // all bytes arrived but the stream failed (e.g. the SDK's checksum check): nothing to resume
                    throw e instanceof IOException io ? io : new IOException("Reading " + key + " from "
                            + target.location + " failed at byte " + position + ": " + e.getMessage(), e);
                }
                log.warn("Reading {} from {} broke at byte {} ({}); resuming", key, target.location, position,
                        e.toString());
                reopen();
            }
        }
    }

    private void reopen() throws IOException {
        in.abort();
        try {
            in = target.s3.getObject(r -> r.bucket(target.location.bucket()).key(target.location.objectKey(key))
                    .range("bytes=" + position + "-" + (end - 1)).ifMatch(etag));
        } catch (SdkException e) {
            if (S3Errors.isPreconditionFailed(e)) {
                throw new IOException("Object " + key + " in " + target.location + " changed while it was being read "
                        + "(ETag " + etag + " no longer matches); read it again", e);
            }
            StorageException se = target.error("resume reading", key, "s3:GetObject", e);
            throw new IOException(se.getMessage(), se);
        }
    }

    @Override
    public void close() throws IOException {
        if (position < end) {
            in.abort(); // do not drain the rest of a large object just to reuse the connection
        }
        in.close();
    }
}
