package io.dr4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.Payloads;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Unencrypted objects are plain frames: the real command line tools ({@code zstd}, {@code gzip}, {@code lz4},
 * installed by .ci/run) decompress what the repository wrote to the original bytes.
 */
class CommandLineToolsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} -d")
    @CsvSource({"zstd, /usr/bin/zstd", "gzip, /usr/bin/gzip", "lz4, /usr/bin/lz4"})
    void theCommandLineToolDecompressesAnObject(String compression, String tool) throws Exception {
        assertThat(Path.of(tool)).as(tool + " (install it: apt-get install -y zstd gzip lz4)").isExecutable();
        byte[] data = Payloads.text(11, 3 * 1024 * 1024 + 123);
        StoredObject stored;
        try (Repository repo = Repository.openOrInit(FileBackupTarget.of(dir.resolve("repo")),
                RepositoryOptions.DEFAULT.withCodec(CodecSpec.of(Compression.parse(compression))), "sys-1", "test")) {
            stored = repo.write("backups/b1/data/base/1/16384", new ByteArrayInputStream(data));
        }
        Path object = dir.resolve("repo").resolve(stored.key());
        assertThat(object).exists();
        Path out = dir.resolve("decompressed");
        Process p = new ProcessBuilder(List.of(tool, "-d", "-c", object.toString()))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.exitValue()).as("%s exit code, stderr: %s", tool, err).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(data);
        assertThat(CodecTest.sha256(Files.readAllBytes(out))).isEqualTo(stored.sha256());
    }

    @org.junit.jupiter.api.Test
    void zstdVerifiesTheFrameChecksum() throws Exception {
        byte[] data = Payloads.bytes(12, 100_000);
        StoredObject stored;
        try (Repository repo = Repository.openOrInit(FileBackupTarget.of(dir.resolve("repo")),
                RepositoryOptions.DEFAULT, "sys-1", "test")) {
            stored = repo.write("obj", new ByteArrayInputStream(data));
        }
        Path object = dir.resolve("repo").resolve(stored.key());
        Process ok = new ProcessBuilder("/usr/bin/zstd", "-t", object.toString()).redirectErrorStream(true).start();
        assertThat(ok.waitFor()).isZero();
        byte[] b = Files.readAllBytes(object);
        b[b.length - 2] ^= 1; // inside the content checksum
        Files.write(object, b);
        Process bad = new ProcessBuilder("/usr/bin/zstd", "-t", object.toString()).redirectErrorStream(true).start();
        assertThat(bad.waitFor()).as("zstd -t detects the corruption").isNotZero();
    }
}
