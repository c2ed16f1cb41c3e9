package io.dr4j.postgres.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import io.dr4j.core.ProgressListener;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file of {@link FileUploader#LARGE_FILE} bytes or more is compressed by zstd on several threads (and, on the way
 * back, hashed on a second thread): the stored object is an ordinary zstd object that reads back, verified, as the
 * same bytes, and is about as small as one compressed on a single thread.
 */
class FileUploaderLargeFileTest {
    @Test
    void aLargeFileCompressedOnSeveralThreadsReadsBackVerified(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("16385");
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = Files.newOutputStream(file)) {
            Random random = new Random(11);
            byte[] page = new byte[8192];
            for (long written = 0; written < FileUploader.LARGE_FILE + 5 * 8192; written += page.length) {
                // pages of a few random bytes and text-like runs: compressible, not trivially
                for (int i = 0; i < page.length; i++) {
                    page[i] = (byte) (i % 7 == 0 ? random.nextInt() : 'a' + (i + written / 8192) % 23);
                }
                out.write(page);
                md.update(page);
            }
        }
        String sha = HexFormat.of().formatHex(md.digest());
        BackupFile one;
        try (Repository repo = Repository.openOrInit(FileBackupTarget.of(dir.resolve("single")),
                RepositoryOptions.DEFAULT, "sys", "postgresql");
             BackupSession session = repo.catalog().begin("20261126T000000000Z")) {
            one = uploader(session, 0).uploadLocal("base/5/16385", file, Instant.now(), 0600).orElseThrow();
        }
        try (Repository repo = Repository.openOrInit(FileBackupTarget.of(dir.resolve("parallel")),
                RepositoryOptions.DEFAULT, "sys", "postgresql");
             BackupSession session = repo.catalog().begin("20261126T000000000Z")) {
            BackupFile many = uploader(session, 2).uploadLocal("base/5/16385", file, Instant.now(), 0600).orElseThrow();
            assertThat(many.sha256()).isEqualTo(sha).isEqualTo(one.sha256());
            assertThat(many.size()).isEqualTo(Files.size(file));
            assertThat(many.storedSize()).as("compressed").isLessThan(many.size() / 2)
                    .isLessThan(one.storedSize() * 11 / 10);
            try (InputStream in = repo.read(new StoredObject(many.objectKey(), many.sha256(), many.size(),
                    many.storedSize()))) {
                MessageDigest back = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[256 * 1024];
                int n;
                long total = 0;
                while ((n = in.read(buf)) > 0) {
                    back.update(buf, 0, n);
                    total += n;
                }
                assertThat(total).isEqualTo(Files.size(file));
                assertThat(HexFormat.of().formatHex(back.digest())).isEqualTo(sha);
            }
        }
    }

    private static FileUploader uploader(BackupSession session, int workers) {
        FileUploader up = new FileUploader(session, Map.of(), null, 0, false,
                new ProgressTracker(ProgressListener.NONE, "backup", "copy"));
        up.compressLargeFilesWith(workers);
        return up;
    }
}
