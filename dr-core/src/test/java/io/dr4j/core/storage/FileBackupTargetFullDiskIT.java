package io.dr4j.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.dr4j.core.Payloads;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A full disk, for real: the target lives on a 2 MiB tmpfs mounted by the test (needs root, as in CI). A write that
 * does not fit fails with {@link InsufficientStorageException} and leaves no object and no temporary file.
 */
class FileBackupTargetFullDiskIT {
    static Path mount;

    @BeforeAll
    static void mountSmallTmpfs() throws Exception {
        mount = Files.createTempDirectory("dr4j-fulldisk");
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mount != null) {
            run("umount", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("%s failed: %s (this test mounts a tmpfs and must run as root, as CI does)",
                String.join(" ", cmd), out).isZero();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(mount)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aWriteThatDoesNotFitFailsCleanly() throws IOException {
        FileBackupTarget t = FileBackupTarget.of(mount.resolve("repo"));
        t.put("small", new ByteArrayInputStream(new byte[100_000]), WriteOptions.createNew());

        assertThatThrownBy(() -> t.put("backups/b1/data/big", Payloads.stream(1, 5L * 1024 * 1024),
                WriteOptions.createNew()))
                .isInstanceOf(InsufficientStorageException.class)
                .hasMessageContaining("No space left").hasMessageContaining("backups/b1/data/big")
                .hasMessageContaining("nothing was stored");
        assertThat(t.exists("backups/b1/data/big")).isFalse();
        assertThat(files()).as("only the earlier object remains, no temporary file")
                .containsExactly(mount.resolve("repo/small"));

        // the streamed variant through a writer fails the same way and can be closed safely afterwards
        try (ObjectWriter w = t.newWriter("other", WriteOptions.createNew());
             InputStream in = Payloads.stream(2, 5L * 1024 * 1024)) {
            assertThatThrownBy(() -> in.transferTo(w)).isInstanceOf(InsufficientStorageException.class);
        }
        assertThat(files()).containsExactly(mount.resolve("repo/small"));

        // space is back once the failed write is gone: an object that fits is written
        t.put("fits", Payloads.stream(3, 1024 * 1024), WriteOptions.createNew());
        assertThat(t.stat("fits")).get().extracting(ObjectInfo::size).isEqualTo(1024L * 1024);
    }
}
