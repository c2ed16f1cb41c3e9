package io.dr4j.postgres.logical;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/** The files a process tree holds open, from {@code /proc/<pid>/fd} (Linux). */
final class OpenFiles {
    private OpenFiles() {
    }

    static Set<Path> of(ProcessHandle root) {
        Set<Path> out = new HashSet<>();
        try (Stream<ProcessHandle> all = Stream.concat(Stream.of(root), root.descendants())) {
            all.forEach(ph -> collect(ph.pid(), out));
        }
        return out;
    }

    private static void collect(long pid, Set<Path> out) {
        Path fd = Path.of("/proc", Long.toString(pid), "fd");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(fd)) {
            for (Path link : ds) {
                try {
                    out.add(Files.readSymbolicLink(link).toAbsolutePath());
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            }
        } catch (IOException ignored) {
            // process ended meanwhile
        }
    }
}
