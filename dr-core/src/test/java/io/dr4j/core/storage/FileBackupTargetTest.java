package io.dr4j.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the kit cannot see from outside: the files on disk. The contract itself runs in dr-tck. */
class FileBackupTargetTest {
    @TempDir
    Path dir;

    private long tempFiles(Path root) throws IOException {
        Path tmp = root.resolve(FileBackupTarget.TMP_DIR);
        if (!Files.isDirectory(tmp)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(tmp)) {
            return s.count();
        }
    }

    @Test
    void committedAndAbortedWritesLeaveNoTemporaryFiles() throws IOException {
        FileBackupTarget t = FileBackupTarget.of(dir);
        t.put("a/b/c", new ByteArrayInputStream(new byte[100]), WriteOptions.createNew());
        try (ObjectWriter w = t.newWriter("a/b/d", WriteOptions.createNew())) {
            w.write(new byte[1000]);
            assertThat(tempFiles(dir)).isEqualTo(1);
        }
        assertThatThrownBy(() -> t.put("a/b/c", new ByteArrayInputStream(new byte[5]), WriteOptions.createNew()))
                .isInstanceOf(ObjectAlreadyExistsException.class);
        ObjectWriter racing = t.newWriter("a/b/e", WriteOptions.createNew());
        racing.write(new byte[10]);
        t.put("a/b/e", new ByteArrayInputStream(new byte[1]), WriteOptions.createNew());
        assertThatThrownBy(racing::commit).isInstanceOf(ObjectAlreadyExistsException.class);
        assertThat(tempFiles(dir)).isZero();
        assertThat(Files.size(dir.resolve("a/b/e"))).as("the winner's bytes").isEqualTo(1);
    }

    @Test
    void staleTemporaryFilesOfKilledWritersAreRemovedWhenTheTargetOpens() throws IOException {
        Path tmp = Files.createDirectories(dir.resolve(FileBackupTarget.TMP_DIR));
        Path stale = Files.write(tmp.resolve("dead.tmp"), new byte[10]);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Path fresh = Files.write(tmp.resolve("in-progress.tmp"), new byte[10]);
        FileBackupTarget t = FileBackupTarget.of(dir);
        assertThat(stale).doesNotExist();
        assertThat(fresh).as("a write in progress in another process is left alone").exists();
        Files.setLastModifiedTime(fresh, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        assertThat(t.removeStaleTemporaryFiles(Duration.ofMinutes(1))).isEqualTo(1);
        assertThat(fresh).doesNotExist();
    }

    @Test
    void theTemporaryDirectoryIsNotAnObjectNamespace() {
        FileBackupTarget t = FileBackupTarget.of(dir);
        assertThatThrownBy(() -> t.get(FileBackupTarget.TMP_DIR + "/x")).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> t.newWriter(FileBackupTarget.TMP_DIR + "/x", WriteOptions.createNew()))
                .isInstanceOf(InvalidKeyException.class);
        t.put("visible", new ByteArrayInputStream(new byte[1]), WriteOptions.createNew());
        assertThat(t.listChildren("")).containsExactly("visible");
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRefused() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.write(outside.resolve("secret"), new byte[] {42});
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        FileBackupTarget t = FileBackupTarget.of(root);
        assertThatThrownBy(() -> t.get("link/secret")).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> t.newWriter("link/planted", WriteOptions.createNew()))
                .isInstanceOf(InvalidKeyException.class);
        assertThat(outside.resolve("planted")).doesNotExist();
    }

    @Test
    void linksDeeperInTheRepositoryAreCheckedAndLinksWithinItAreFollowed() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.write(outside.resolve("secret"), new byte[] {42});
        Path real = Files.createDirectories(dir.resolve("real-root"));
        // the root itself reached through a link (resolved once when opened), links inside it to inside it
        Path root = Files.createSymbolicLink(dir.resolve("root"), real);
        Files.createDirectories(real.resolve("backups/b1/data"));
        Files.write(real.resolve("backups/b1/data/1"), new byte[] {7});
        Files.createSymbolicLink(real.resolve("backups/alias"), real.resolve("backups/b1"));
        Files.createSymbolicLink(real.resolve("backups/b1/evil"), outside);
        FileBackupTarget t = FileBackupTarget.of(root);
        try (var in = t.get("backups/alias/data/1", ByteRange.ALL)) {
            assertThat(in.readAllBytes()).containsExactly(7);
        }
        t.put("backups/alias/data/2", new ByteArrayInputStream(new byte[] {8}), WriteOptions.createNew());
        assertThat(real.resolve("backups/b1/data/2")).hasBinaryContent(new byte[] {8});
        for (String key : new String[] {"backups/b1/evil/secret", "backups/alias/evil/secret", "backups/b1/evil/x/y"}) {
            assertThatThrownBy(() -> t.get(key, ByteRange.ALL)).as(key).isInstanceOf(InvalidKeyException.class)
                    .hasMessageContaining("symbolic link");
            assertThatThrownBy(() -> t.newWriter(key, WriteOptions.createNew())).as(key)
                    .isInstanceOf(InvalidKeyException.class);
        }
        assertThat(outside.resolve("x")).doesNotExist();
    }

    @Test
    void hostileKeysNeverTouchTheFileSystemOutsideTheRoot() {
        Path root = dir.resolve("root");
        FileBackupTarget t = FileBackupTarget.of(root);
        for (String key : new String[] {"../escaped", "a/../../escaped", "/tmp/escaped", "..\\escaped"}) {
            assertThatThrownBy(() -> t.put(key, new ByteArrayInputStream(new byte[1]), WriteOptions.createNew()))
                    .isInstanceOf(InvalidKeyException.class).hasMessageContaining("Invalid object key");
        }
        assertThat(dir.resolve("escaped")).doesNotExist();
    }

    @Test
    void objectLocksAreRefusedNotIgnored() {
        FileBackupTarget t = FileBackupTarget.of(dir);
        assertThatThrownBy(() -> t.newWriter("x", WriteOptions.createNew().withRetainUntil(Instant.now())))
                .isInstanceOf(StorageException.class).hasMessageContaining("cannot lock");
    }

    @Test
    void deletePrunesEmptyDirectoriesAndIsIdempotent() {
        FileBackupTarget t = FileBackupTarget.of(dir);
        t.put("p/q/r", new ByteArrayInputStream(new byte[1]), WriteOptions.createNew());
        t.delete("p/q/r");
        t.delete("p/q/r");
        assertThat(dir.resolve("p")).doesNotExist();
        assertThat(dir).exists();
    }

    @Test
    void aFileProviderRefusesRemoteHosts() {
        assertThatThrownBy(() -> new FileBackupTargetProvider().create(java.net.URI.create("file://server/share"),
                io.dr4j.core.config.ProviderConfig.empty())).hasMessageContaining("names a host");
    }

    @Test
    void objectsOfEverySizeAroundTheBuffersRoundTripWhateverTheWriteSizes() throws IOException {
        FileBackupTarget t = FileBackupTarget.of(dir);
        java.util.Random random = new java.util.Random(7);
        int[] sizes = {0, 1, 8191, 8192, 8193, 16383, 16384, 16385, 100_000, 262_143, 262_144, 262_145, 1_000_003};
        int[] writeSizes = {1, 7, 4096, 16385, 70_000, 300_000};
        for (int size : sizes) {
            for (int w : writeSizes) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                String key = "o/" + size + "-" + w;
                try (ObjectWriter out = t.newWriter(key, WriteOptions.createNew())) {
                    for (int off = 0; off < size; off += w) {
                        out.write(data, off, Math.min(w, size - off));
                    }
                    out.commit();
                }
                try (java.io.InputStream in = t.get(key, ByteRange.ALL)) {
                    assertThat(in.readAllBytes()).as(key).isEqualTo(data);
                }
                if (size > 10) {
                    try (java.io.InputStream in = t.get(key, new ByteRange(3, size - 5))) {
                        assertThat(in.readAllBytes()).as(key + " range").isEqualTo(java.util.Arrays.copyOfRange(data, 3, size - 2));
                    }
                }
            }
        }
        assertThat(FileBackupTarget.bufferFor(0)).isEqualTo(8192);
        assertThat(FileBackupTarget.bufferFor(8193)).isEqualTo(16384);
        assertThat(FileBackupTarget.bufferFor(10L << 30)).isEqualTo(256 * 1024);
    }
}
