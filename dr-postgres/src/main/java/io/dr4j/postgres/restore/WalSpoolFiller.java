package io.dr4j.postgres.restore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.WalSegment;
import io.dr4j.postgres.cluster.FileOwner;

import org.jspecify.annotations.Nullable;

/**
 * Serves WAL to a recovering server through a local spool directory and a generated {@code restore_command}, so
 * replay never waits on the repository. The one seam between PITR and the WAL fetching machinery:
 * {@link PrefetcherSpoolFiller} (the {@code io.dr4j.postgres.wal.WalPrefetcher}, bounded, on demand) serves a
 * server this JVM starts and watches; {@link InJvmWalSpoolFiller} delivers every planned file up front, for a
 * restored directory started later without this JVM.
 */
public interface WalSpoolFiller {

    /**
     * What to serve.
     *
     * @param repository   where the WAL is
     * @param files        the planned history files and segments, in replay order (checked to be archived)
     * @param spoolDir     the spool directory (created)
     * @param lookAhead    segments to fetch ahead of replay; 0 = no bound
     * @param timeline     the target timeline
     * @param startSegment the first segment replay asks for (the backup's start segment)
     * @param segmentSize  WAL segment size in bytes
     * @param owner        who the spool and the files served must belong to when this JVM is root (the user the
     *                     recovering server runs as); null: the {@code postgres} OS user
     */
    record Request(Repository repository, List<WalSegment> files, Path spoolDir, int lookAhead, long timeline,
                   String startSegment, long segmentSize, @Nullable FileOwner owner) {
        public Request {
            files = List.copyOf(files);
        }

        /** A request whose files go to the {@code postgres} OS user (when root). */
        public Request(Repository repository, List<WalSegment> files, Path spoolDir, int lookAhead, long timeline,
                       String startSegment, long segmentSize) {
            this(repository, files, spoolDir, lookAhead, timeline, startSegment, segmentSize, null);
        }
    }

    /** Starts serving. */
    Handle start(Request request);

    /** A running spool. */
    interface Handle extends AutoCloseable {
        /** The {@code restore_command} setting that reads from this spool. */
        String restoreCommand();

        /**
         * Waits until every planned file is in the spool (fillers that deliver up front); throws when the fill
         * failed or did not finish in time.
         */
        void awaitComplete(Duration timeout);

        /** Bytes delivered so far. */
        long bytes();

        /** Stops serving. */
        @Override
        void close();
    }
}
