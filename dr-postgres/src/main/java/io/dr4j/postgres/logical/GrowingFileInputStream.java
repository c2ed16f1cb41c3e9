package io.dr4j.postgres.logical;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;

/**
 * Reads a file while another process is still appending to it (pg_dump writing a table's data file): at the end of
 * what is there so far it waits, and it ends only once {@code writerDone} says the writer has closed the file, after
 * reading what was written before the close. So a file can be compressed and uploaded while it is being dumped.
 * {@code aborted} makes a waiting read fail (the dump failed elsewhere).
 */
final class GrowingFileInputStream extends InputStream {
    private static final long POLL_NANOS = 20_000_000L;

    private final FileChannel ch;
    private final BooleanSupplier writerDone;
    private final BooleanSupplier aborted;
    private boolean closedByWriter;

    GrowingFileInputStream(Path file, BooleanSupplier writerDone, BooleanSupplier aborted) throws IOException {
        this.ch = FileChannel.open(file, StandardOpenOption.READ);
        this.writerDone = writerDone;
        this.aborted = aborted;
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
            int n = ch.read(ByteBuffer.wrap(b, off, len));
            if (n > 0) {
                return n;
            }
            if (closedByWriter) {
                return -1;
            }
            if (aborted.getAsBoolean()) {
                throw new IOException("the dump was aborted");
            }
            if (writerDone.getAsBoolean()) {
                closedByWriter = true; // read once more: what was written before the close
                continue;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                throw new InterruptedIOException("interrupted while waiting for pg_dump to write");
            }
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
