package io.dr4j.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public forwarding base for decorators and test doubles, and the block stream under them. */
class ForwardingBackupTargetTest {
    @TempDir
    Path dir;

    @Test
    void forwardsEveryCallAndOverridesReachTheConveniences() throws IOException {
        FileBackupTarget files = FileBackupTarget.of(dir);
        List<String> closed = new ArrayList<>();
        BackupTarget readOnly = new ForwardingBackupTarget(new ForwardingBackupTarget(files) {
            @Override
            public void close() {
                closed.add("inner");
                super.close();
            }
        }) {
            @Override
            public ObjectWriter newWriter(String key, WriteOptions options) {
                throw new StorageException("read-only copy: " + key + " not written");
            }
        };
        files.put("a/x/1", new ByteArrayInputStream("one".getBytes(StandardCharsets.UTF_8)), WriteOptions.createNew());
        files.put("a/y", new ByteArrayInputStream("two".getBytes(StandardCharsets.UTF_8)), WriteOptions.createNew());

        assertThat(readOnly.location()).isEqualTo(files.location());
        assertThat(readOnly.capabilities()).isEqualTo(files.capabilities());
        try (InputStream in = readOnly.get("a/y", new ByteRange(1, 1))) {
            assertThat(in.readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("w");
        }
        assertThat(readOnly.stat("a/x/1")).get().extracting(ObjectInfo::size).isEqualTo(3L);
        assertThat(readOnly.exists("a/nothing")).isFalse();
        assertThat(readOnly.list("a/", null, 10).objects()).extracting(ObjectInfo::key).containsExactly("a/x/1", "a/y");
        assertThat(readOnly.listChildren("a/")).containsExactly("x", "y"); // built on list()
        assertThat(readOnly.replicas()).containsExactly(readOnly);
        // put() is built on newWriter: the override applies to it as well
        assertThatThrownBy(() -> readOnly.put("b", InputStream.nullInputStream(), WriteOptions.createNew()))
                .isInstanceOf(StorageException.class).hasMessageContaining("read-only copy: b");
        readOnly.delete("a/y");
        assertThat(files.exists("a/y")).isFalse();
        readOnly.close();
        assertThat(closed).containsExactly("inner");
        assertThat(((ForwardingBackupTarget) readOnly).delegate()).isNotSameAs(files);
        assertThat(readOnly.toString()).contains(files.toString());
    }

    @Test
    void everyByteOfABlockStreamPassesTheBlockRead() throws IOException {
        List<Integer> blocks = new ArrayList<>();
        InputStream counting = new BlockInputStream(new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})) {
            private boolean stall = true;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (stall) {
                    stall = false;
                    return 0; // a read of nothing: read() must try again, not return a byte
                }
                int n = in.read(b, off, len);
                blocks.add(n);
                return n;
            }
        };
        assertThat(counting.read()).isEqualTo(1);
        assertThat(counting.skip(3)).isEqualTo(3);
        assertThat(counting.available()).isEqualTo(4);
        assertThat(counting.read()).isEqualTo(5);
        assertThat(counting.readAllBytes()).containsExactly(6, 7, 8);
        assertThat(counting.read()).isEqualTo(-1);
        assertThat(blocks.stream().filter(n -> n > 0).mapToInt(Integer::intValue).sum()).isEqualTo(8);
    }
}
