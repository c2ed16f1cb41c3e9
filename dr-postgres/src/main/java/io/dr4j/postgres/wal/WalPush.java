package io.dr4j.postgres.wal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalArchive;
import io.dr4j.core.backup.WalConflictException;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.core.storage.StorageException;

/**
 * The {@code archive_command} entry point ({@code archive_command = 'dr wal-push %p'}): stores one WAL file from
 * {@code pg_wal} in the repository. Idempotent: pushing a file that is archived already with the same content
 * succeeds (PostgreSQL retries after crashes); different content is a {@link WalConflictException}, never an
 * overwrite. A {@code <segment>.partial} file (written by a promoted server for the last segment of its old
 * timeline) is stored as that segment's partial.
 *
 * <p>Exit codes for a command-line wrapper: 0 when {@link #push} returns, non-zero on any exception (PostgreSQL then
 * keeps the file and retries; a conflict needs an operator).
 */
public final class WalPush {
    /** What a push did. */
    public enum Outcome {
        /** Stored now. */
        ARCHIVED,
        /** The same content was archived already: nothing written. */
        ALREADY_ARCHIVED,
        /** A {@code .partial} file, stored as the segment's partial. */
        ARCHIVED_PARTIAL
    }

    /** The result of a push. */
    public record Result(Outcome outcome, String name, WalSegment segment) {
        /** The process exit code for {@code archive_command}: always 0 (failures are exceptions). */
        public int exitCode() {
            return 0;
        }
    }

    private final Repository repository;

    public WalPush(Repository repository) {
        this.repository = Objects.requireNonNull(repository, "repository");
    }

    /**
     * Archives {@code walFile} (its file name is the WAL file name, as in {@code %p}).
     *
     * @throws WalConflictException when a file with that name and different content is archived already
     * @throws StorageException     when the file cannot be read or stored
     */
    public Result push(Path walFile) {
        String name = walFile.getFileName().toString();
        if (!Files.isRegularFile(walFile)) {
            throw new StorageException("WAL file " + walFile + " does not exist or is not a regular file "
                    + "(archive_command gets %p, the path relative to the data directory, and runs there)");
        }
        WalArchive wal = repository.wal();
        if (name.endsWith(".partial") && WalArchive.isSegmentName(name.substring(0, name.length() - ".partial".length()))) {
            String seg = name.substring(0, name.length() - ".partial".length());
            try (InputStream in = Files.newInputStream(walFile)) {
                Result r = new Result(Outcome.ARCHIVED_PARTIAL, name, wal.pushPartial(seg, in));
                repository.events().walArchived(seg, true, -1);
                return r;
            } catch (IOException e) {
                throw new StorageException("Could not read " + walFile + ": " + e.getMessage(), e);
            }
        }
        if (!WalArchive.isWalFileName(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a WAL file name (a 24-hex-digit segment, "
                    + "NNNNNNNN.history or a .backup file). Use archive_command = '... wal-push %p'");
        }
        Optional<WalSegment> before = wal.find(name);
        WalSegment s = wal.push(name, walFile);
        if (before.isEmpty()) {
            repository.events().walArchived(name, false, -1);
        }
        return new Result(before.isPresent() ? Outcome.ALREADY_ARCHIVED : Outcome.ARCHIVED, name, s);
    }
}
