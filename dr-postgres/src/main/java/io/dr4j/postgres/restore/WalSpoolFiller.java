package io.dr4j.postgres.restore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;

/**
 * Fills the local spool directory that the generated {@code restore_command} serves WAL from, ahead of replay, so
 * replay never waits on the repository. The one seam between PITR and the WAL fetching machinery: the default is
 * {@link InJvmWalSpoolFiller}; the WAL prefetcher of {@code io.dr4j.postgres.wal} can replace it.
 *
 * <p>Protocol with the script (see {@link RestoreCommandScript}): files appear in the spool under their WAL names
 * atomically (written under a dot-name, then renamed); {@code .expected} lists every name that will come; the
 * script writes the name PostgreSQL asked for last into {@code .last}; the filler writes {@code .complete} when all
 * files are delivered and {@code .failed} (with the reason) when it gave up.
 */
public interface WalSpoolFiller {

    /**
     * Starts delivering {@code files} (in replay order) into {@code spoolDir}.
     *
     * @param lookAhead how many segments to keep ahead of the one PostgreSQL asked for last; 0 = no bound
     */
    Handle start(Repository repository, List<WalSegment> files, Path spoolDir, int lookAhead);

    /** A running fill. */
    interface Handle extends AutoCloseable {
        /** Waits until every file was delivered; throws when the fill failed or did not finish in time. */
        void awaitComplete(Duration timeout);

        /** Bytes delivered so far. */
        long bytes();

        /** Stops filling (files delivered stay). */
        @Override
        void close();
    }
}
