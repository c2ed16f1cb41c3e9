package io.dr4j.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.MirroredBackupTarget;
import io.dr4j.core.storage.WriteOptions;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;

/** The seed's "Local + GCS" through the mirrored target (GCS: the in-memory LocalStorageHelper fake). */
class GcsMirroredTest {

    @TempDir
    Path dir;

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    @DisplayName("a mirrored write lands in the directory and in GCS; reads fall back when either is broken")
    void localPlusGcs() throws IOException {
        Storage storage = LocalStorageHelper.customOptions(false).getService();
        GcsBackupTarget gcs = GcsBackupTarget.builder().location("mirror", "db").storage(storage)
                .chunkSize(256 * 1024).build();
        byte[] data = new byte[700_000]; // three resumable chunks on the GCS leg
        new Random(3).nextBytes(data);
        try (BackupTarget mirror = MirroredBackupTarget.of(FileBackupTarget.of(dir), gcs)) {
            mirror.put("backups/1/data/base.zst", new ByteArrayInputStream(data), WriteOptions.createNew());

            assertThat(Files.readAllBytes(dir.resolve("backups/1/data/base.zst"))).isEqualTo(data);
            assertThat(storage.readAllBytes(BlobId.of("mirror", "db/backups/1/data/base.zst"))).isEqualTo(data);

            Files.delete(dir.resolve("backups/1/data/base.zst"));
            assertThat(read(mirror.get("backups/1/data/base.zst"))).as("read from GCS").isEqualTo(data);
        }
        Files.write(Files.createDirectories(dir.resolve("backups/1/data")).resolve("base.zst"), data);
        GcsBackupTarget broken = GcsBackupTarget.builder().location("mirror", "db").verifyOnOpen(false)
                .storage(GcsBackupTargetProviderTest.failing(503, "Service Unavailable")).build();
        try (BackupTarget mirror = MirroredBackupTarget.of(broken, FileBackupTarget.of(dir))) {
            assertThat(read(mirror.get("backups/1/data/base.zst"))).as("GCS down: read from the directory")
                    .isEqualTo(data);
        }
    }
}
