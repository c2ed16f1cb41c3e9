package io.dr4j.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalArchiveTest {
    @TempDir
    Path dir;

    private Path walFile(String name, long seed) throws Exception {
        byte[] b = new byte[1 << 20];
        new Random(seed).nextBytes(b);
        Path p = dir.resolve("pg_wal").resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, b);
        return p;
    }

    private WalArchive wal() {
        return Repository.openOrInit(FileBackupTarget.of(dir.resolve("repo")), RepositoryOptions.DEFAULT, "sys",
                "postgresql").wal();
    }

    @Test
    void pushIsIdempotentForSameContentAndRefusesDifferentContent() throws Exception {
        WalArchive wal = wal();
        String seg = "000000010000000000000003";
        Path f = walFile(seg, 1);
        WalSegment first = wal.push(seg, f);
        assertThat(first.timeline()).isEqualTo("00000001");
        assertThat(first.key()).startsWith("wal/00000001/" + seg + "-").endsWith(".zst");
        assertThat(wal.push(seg, f)).isEqualTo(first);

        Path other = walFile(seg + "x", 2);
        Files.createDirectories(dir.resolve("other"));
        Path renamed = Files.move(other, dir.resolve("other").resolve(seg));
        assertThatThrownBy(() -> wal.push(seg, renamed)).isInstanceOf(WalConflictException.class)
                .hasMessageContaining(seg).hasMessageContaining("different content");
        assertThat(wal.list("00000001")).hasSize(1);
        try (InputStream in = wal.read(first)) {
            assertThat(Arrays.equals(in.readAllBytes(), Files.readAllBytes(f))).isTrue();
        }
    }

    @Test
    void partialIsReplacedAndRemovedWhenTheSegmentCompletes() throws Exception {
        WalArchive wal = wal();
        String seg = "000000010000000000000004";
        wal.pushPartial(seg, new ByteArrayInputStream(new byte[1000]));
        wal.pushPartial(seg, new ByteArrayInputStream(new byte[2000]));
        assertThat(wal.findPartial(seg)).isPresent();
        try (InputStream in = wal.read(wal.findPartial(seg).orElseThrow())) {
            assertThat(in.readAllBytes()).hasSize(2000);
        }
        assertThat(wal.find(seg)).isEmpty();
        wal.push(seg, walFile(seg, 3));
        assertThat(wal.findPartial(seg)).isEmpty();
        assertThat(wal.find(seg)).isPresent();
    }

    @Test
    void historyFilesTimelinesAndNames() throws Exception {
        WalArchive wal = wal();
        wal.push("00000002.history", walFile("00000002.history", 4));
        wal.push("000000010000000000000001", walFile("000000010000000000000001", 5));
        wal.push("000000020000000000000002", walFile("000000020000000000000002", 6));
        assertThat(wal.timelines()).containsExactly("00000001", "00000002");
        assertThat(wal.list("00000002")).extracting(WalSegment::name)
                .containsExactly("00000002.history", "000000020000000000000002");
        assertThat(wal.list("00000002").get(0).isSegment()).isFalse();
        assertThatThrownBy(() -> wal.push("../../etc/passwd", walFile("x", 7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Not a WAL file name");
    }
}
