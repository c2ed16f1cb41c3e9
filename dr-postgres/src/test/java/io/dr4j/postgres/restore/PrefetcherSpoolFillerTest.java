package io.dr4j.postgres.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the spool is decides when the prefetch starts: inside a data directory (the container launcher's
 * {@code pg_wal/dr4j-spool}) only once the server asked for its first file, since the server's start fsyncs everything
 * in its data directory; beside it (a server this JVM starts) at once.
 */
class PrefetcherSpoolFillerTest {
    @TempDir
    Path dir;

    @Test
    void aSpoolInsideADataDirectoryIsRecognisedAndOneBesideItIsNot() throws Exception {
        Path data = Files.createDirectories(dir.resolve("restored/global"));
        Files.writeString(dir.resolve("restored/PG_VERSION"), "15\n");
        Path inside = Files.createDirectories(dir.resolve("restored/pg_wal/dr4j-spool"));
        Path beside = Files.createDirectories(dir.resolve("restored.dr4j-wal-spool-123"));

        assertThat(PrefetcherSpoolFiller.insideDataDirectory(inside)).isTrue();
        assertThat(PrefetcherSpoolFiller.insideDataDirectory(beside)).isFalse();
        // a directory that only looks half like one (no global/) is not a data directory
        Files.delete(data);
        assertThat(PrefetcherSpoolFiller.insideDataDirectory(inside)).isFalse();
    }
}
