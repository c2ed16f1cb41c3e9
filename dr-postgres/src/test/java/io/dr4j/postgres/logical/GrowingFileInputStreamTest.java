package io.dr4j.postgres.logical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrowingFileInputStreamTest {
    @TempDir
    Path dir;

    @Test
    void readsAFileWhileItIsWrittenAndEndsOnlyWhenTheWriterClosedIt() throws Exception {
        Path f = dir.resolve("3354.dat");
        AtomicBoolean closed = new AtomicBoolean();
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        OutputStream out = Files.newOutputStream(f);
        Thread writer = new Thread(() -> {
            Random rnd = new Random(7);
            try (out) {
                for (int i = 0; i < 60; i++) {
                    byte[] chunk = new byte[1 + rnd.nextInt(100_000)];
                    rnd.nextBytes(chunk);
                    out.write(chunk);
                    out.flush();
                    written.update(chunk);
                    Thread.sleep(rnd.nextInt(4)); // the reader catches up and has to wait
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                closed.set(true);
            }
        });
        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long total = 0;
        writer.start();
        try (InputStream in = new GrowingFileInputStream(f, closed::get, () -> false)) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                read.update(buf, 0, n);
                total += n;
            }
        }
        writer.join();
        assertThat(total).isEqualTo(Files.size(f));
        assertThat(HexFormat.of().formatHex(read.digest())).isEqualTo(HexFormat.of().formatHex(written.digest()));
    }

    @Test
    void aWaitingReadFailsWhenTheDumpIsAborted() throws Exception {
        Path f = dir.resolve("3355.dat");
        Files.write(f, new byte[] {1, 2, 3});
        AtomicBoolean aborted = new AtomicBoolean();
        try (InputStream in = new GrowingFileInputStream(f, () -> false, aborted::get)) {
            assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);
            aborted.set(true);
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("aborted");
        }
    }
}
