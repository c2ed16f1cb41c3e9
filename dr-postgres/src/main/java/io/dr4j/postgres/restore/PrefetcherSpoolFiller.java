package io.dr4j.postgres.restore;

import java.time.Duration;

import io.dr4j.core.restore.RestoreFailedException;
import io.dr4j.postgres.wal.WalPrefetcher;

/**
 * {@link WalSpoolFiller} backed by {@link WalPrefetcher}: the next {@code lookAhead} segments after the one
 * recovery asked for last are fetched in parallel; history files and unpredicted files on demand; disk use bounded.
 * Needs this JVM to keep running while the server recovers (its script notices a dead prefetcher and aborts
 * recovery rather than ending it early).
 */
public final class PrefetcherSpoolFiller implements WalSpoolFiller {
    private final int parallelism;

    public PrefetcherSpoolFiller(int parallelism) {
        this.parallelism = Math.max(1, parallelism);
    }

    @Override
    public Handle start(Request r) {
        WalPrefetcher.Builder b = WalPrefetcher.builder(r.repository(), r.spoolDir()).timeline(r.timeline())
                .startSegment(r.startSegment()).parallelism(parallelism)
                .depth(r.lookAhead() > 0 ? r.lookAhead() : 2 * parallelism).segmentSize(r.segmentSize())
                .maxWait(Duration.ofMinutes(10)).owner(r.owner());
        if (insideDataDirectory(r.spoolDir())) {
            b.untilFirstRequest(); // the server's start fsyncs what is in its data directory: see there
        }
        WalPrefetcher p = b.build().start();
        return new Handle() {
            @Override
            public String restoreCommand() {
                return p.restoreCommand();
            }

            @Override
            public void awaitComplete(Duration timeout) {
                throw new RestoreFailedException("The WAL prefetcher serves WAL on demand while the server recovers; "
                        + "use InJvmWalSpoolFiller to deliver all WAL up front");
            }

            @Override
            public long bytes() {
                return p.stats().fetchedBytes();
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }

    /** Whether {@code spool} is inside a PostgreSQL data directory (one of its parents has PG_VERSION and global/). */
    static boolean insideDataDirectory(java.nio.file.Path spool) {
        for (java.nio.file.Path p = spool.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (java.nio.file.Files.isRegularFile(p.resolve("PG_VERSION"))
                    && java.nio.file.Files.isDirectory(p.resolve("global"))) {
                return true;
            }
        }
        return false;
    }
}
