package io.dr4j.postgres.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.dr4j.postgres.internal.Processes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Numeric owners: what a container's server (uid 999 of the postgres images) gets when the JVM is root. */
class FileOwnerTest {
    @TempDir
    Path dir;

    @Test
    void aTreeIsGivenToANumericOwnerWithoutFollowingLinks() throws Exception {
        assumeThat(Processes.isRoot()).as("chown needs root (the CI runs as root)").isTrue();
        Path data = Files.createDirectories(dir.resolve("data/pg_wal/dr4j-spool"));
        Files.writeString(data.resolve("000000010000000000000002"), "wal");
        Path outside = Files.writeString(dir.resolve("outside"), "not ours");
        Files.createSymbolicLink(dir.resolve("data/link"), outside);

        Processes.chownTo(dir.resolve("data"), new FileOwner(999, 998));

        try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
            for (Path p : s.toList()) {
                assertThat(FileOwner.of(p)).as(p.toString()).isEqualTo(new FileOwner(999, 998));
            }
        }
        assertThat(Files.getAttribute(outside, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as("a link's target stays")
                .isEqualTo(0);
    }

    /**
     * A path that already belongs to the owner is not chowned again: a chown to the same owner still changes the inode
     * (its ctime), which the restored server's first start would then write out, one fsync per file.
     */
    @Test
    void pathsAlreadyOwnedAreLeftUntouched() throws Exception {
        assumeThat(Processes.isRoot()).as("chown needs root (the CI runs as root)").isTrue();
        Path data = Files.createDirectories(dir.resolve("data/base"));
        Path file = Files.writeString(data.resolve("1259"), "page");
        for (FileOwner owner : new FileOwner[] {new FileOwner(999, 998), null}) {
            Processes.chownTo(dir.resolve("data"), owner);
            Object ctime = Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
            Object dirCtime = Files.getAttribute(data, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
            Thread.sleep(20);
            Processes.chownTo(dir.resolve("data"), owner);
            Processes.giverTo(owner).give(file);
            assertThat(Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS)).as("file, owner " + owner)
                    .isEqualTo(ctime);
            assertThat(Files.getAttribute(data, "unix:ctime", LinkOption.NOFOLLOW_LINKS)).as("dir, owner " + owner)
                    .isEqualTo(dirCtime);
        }
        assertThat(Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo(Processes.POSTGRES_USER);
    }

    @Test
    void dockerUserFormAndValidation() throws Exception {
        assertThat(new FileOwner(999, 999)).hasToString("999:999");
        assertThatThrownBy(() -> new FileOwner(-1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1:0");
        Path mine = Files.writeString(dir.resolve("mine"), "x");
        assertThat(List.of(FileOwner.of(mine).uid())).containsExactly(
                (Integer) Files.getAttribute(mine, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }
}
