package io.dr4j.postgres.wal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalArchive;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.core.storage.StorageException;

/**
 * The {@code restore_command} entry point ({@code restore_command = 'dr wal-fetch %f %p'}): copies one WAL file from
 * the repository to {@code %p}, verified against its SHA-256, through a temporary file renamed into place (never a
 * half-written file under the final name).
 *
 * <p>A file that is not in the repository is the {@link Outcome#NOT_FOUND} result, not an exception: PostgreSQL
 * asks for files that do not exist (the end of the WAL, probing for newer timelines), and a wrapper must exit with
 * 1 for it. Real errors (unreachable repository, corrupt object) are exceptions, for which a wrapper must exit with
 * {@link #EXIT_ERROR} (above 125, so PostgreSQL aborts recovery instead of taking the error for the end of WAL and
 * ending recovery early).
 *
 * <p>With {@link #servePartial(boolean)} (default on) a segment that only exists as a partial segment (the newest
 * WAL the streaming archiver stored) is served zero-padded to the segment size, as {@code pg_receivewal}'s users
 * do: recovery replays it to its end, so a restore reaches the last second archived.
 */
public final class WalFetch {
    /** Exit code for errors: above 125 makes PostgreSQL abort recovery rather than end it early. */
    public static final int EXIT_ERROR = 200;

    /** What a fetch found. */
    public enum Outcome {
        FOUND(0), FOUND_PARTIAL(0), NOT_FOUND(1);

        private final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }

        /** The {@code restore_command} exit code. */
        public int exitCode() {
            return exitCode;
        }
    }

    private final Repository repository;
    private boolean servePartial = true;
    private boolean durable = true;

    public WalFetch(Repository repository) {
        this.repository = Objects.requireNonNull(repository, "repository");
    }

    /** Serve a partial segment (zero-padded) when the complete one is not archived (default true). */
    public WalFetch servePartial(boolean serve) {
        this.servePartial = serve;
        return this;
    }

    /**
     * Whether each file is fsynced before it is renamed into place (default true: {@code %p} is in the server's
     * {@code pg_wal}). False for a transient copy that a crash makes useless anyway, such as a prefetch spool: its
     * fsyncs would only compete with the recovering server's own (measured: they tripled the time PostgreSQL's start
     * took to fsync its data directory).
     */
    public WalFetch durable(boolean fsync) {
        this.durable = fsync;
        return this;
    }

    /**
     * Copies WAL file {@code name} ({@code %f}) to {@code dest} ({@code %p}).
     *
     * @throws IllegalArgumentException when {@code name} is not a WAL file name
     * @throws StorageException         when the repository cannot be read or the file fails verification
     */
    public Outcome fetch(String name, Path dest) {
        if (!WalArchive.isWalFileName(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a WAL file name; use restore_command = "
                    + "'... wal-fetch %f %p'");
        }
        WalArchive wal = repository.wal();
        Optional<WalSegment> found = wal.find(name);
        if (found.isPresent()) {
            write(found.get(), dest, false);
            return Outcome.FOUND;
        }
        if (servePartial && WalArchive.isSegmentName(name)) {
            Optional<WalSegment> partial = wal.findPartial(name);
            if (partial.isPresent()) {
                write(partial.get(), dest, true);
                return Outcome.FOUND_PARTIAL;
            }
        }
        return Outcome.NOT_FOUND;
    }

    private void write(WalSegment s, Path dest, boolean pad) {
        Path dir = dest.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + dest.getFileName() + ".dr4j-" + UUID.randomUUID() + ".tmp");
        try {
            try (InputStream in = repository.wal().read(s);
                 FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                long n = in.transferTo(out);
                if (pad) {
                    long size = segmentSize(tmp, n);
                    ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
                    for (long pos = n; pos < size; ) {
                        zeros.clear().limit((int) Math.min(zeros.capacity(), size - pos));
                        pos += ch.write(zeros, pos);
                    }
                }
                if (durable) {
                    ch.force(true);
                }
            }
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new StorageException("Could not restore WAL file " + s.name() + " to " + dest + ": " + e.getMessage(), e);
        }
    }

    /** The segment size from the long page header of a segment's first page (16 MiB when unreadable). */
    static long segmentSize(Path segmentFile, long length) throws IOException {
        if (length < 40) {
            return WalPositions.DEFAULT_SEGMENT_SIZE;
        }
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(segmentFile, StandardOpenOption.READ)) {
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // read the header
            }
        }
        long size = Integer.toUnsignedLong(b.getInt(32));
        boolean powerOfTwo = size >= 1024 * 1024 && size <= 1024L * 1024 * 1024 && (size & (size - 1)) == 0;
        return powerOfTwo ? size : WalPositions.DEFAULT_SEGMENT_SIZE;
    }
}
