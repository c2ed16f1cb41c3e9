package io.dr4j.postgres.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A numeric owner (uid and gid) for the files of a data directory, when the server that reads them runs as another
 * user than this machine's {@code postgres}: e.g. uid 999 of the official {@code postgres} image, whose container
 * runs a restored data directory bind-mounted from this machine.
 *
 * @param uid the user id
 * @param gid the group id
 */
public record FileOwner(int uid, int gid) {
    public FileOwner {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid and gid must not be negative: " + uid + ":" + gid);
        }
    }

    /** The owner of an existing file (e.g. a directory this JVM created: the JVM's own uid and gid). */
    public static FileOwner of(Path file) throws IOException {
        return new FileOwner((Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                (Integer) Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS));
    }

    /** {@code uid:gid}, as {@code docker run --user} takes it. */
    @Override
    public String toString() {
        return uid + ":" + gid;
    }
}
