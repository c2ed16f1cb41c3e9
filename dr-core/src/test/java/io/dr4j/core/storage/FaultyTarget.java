package io.dr4j.core.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A target that delegates, with switchable faults: failing writes after n bytes, failing gets, streams that break. */
class FaultyTarget extends ForwardingBackupTarget {
    volatile long failWritesAfter = -1;
    volatile boolean failGets;
    volatile boolean failCommits;
    volatile long breakStreamsAfter = -1;

    FaultyTarget(BackupTarget delegate) {
        super(delegate);
    }

    @Override
    public ObjectWriter newWriter(String key, WriteOptions options) {
        ObjectWriter w = delegate().newWriter(key, options);
        return new ObjectWriter() {
            long written;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (failWritesAfter >= 0 && written + len > failWritesAfter) {
                    throw new IOException("injected write failure on " + location());
                }
                written += len;
                w.write(b, off, len);
            }

            @Override
            public ObjectInfo commit() throws IOException {
                if (failCommits) {
                    w.abort();
                    throw new IOException("injected commit failure on " + location());
                }
                return w.commit();
            }

            @Override
            public void abort() {
                w.abort();
            }
        };
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        if (failGets) {
            throw new StorageException("injected read failure on " + location());
        }
        InputStream in = delegate().get(key, range);
        long limit = breakStreamsAfter;
        if (limit < 0) {
            return in;
        }
        return new FilterInputStream(in) {
            long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read >= limit) {
                    throw new IOException("injected connection reset on " + location());
                }
                int n = in.read(b, off, (int) Math.min(len, limit - read));
                if (n > 0) {
                    read += n;
                }
                return n;
            }
        };
    }
}
