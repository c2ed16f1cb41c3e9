package io.dr4j.examples.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.config.Secret;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.MirroredBackupTarget;
import io.dr4j.storage.gcs.GcsBackupTarget;
import io.dr4j.storage.s3.S3BackupTarget;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DR plan's "Local + S3/GCS": one repository mirrored to a directory, an S3 bucket (embedded s3proxy on
 * 127.0.0.1) and a GCS bucket (google-cloud-nio's in-memory fake). A backup lands in all three; reads survive a
 * corrupt local copy (verified by SHA-256, re-read from the next mirror) and an S3 outage.
 */
class LocalS3GcsMirrorIT {
    @TempDir
    Path dir;

    @Test
    void aBackupLandsInAllThreeAndReadsFallBack() throws Exception {
        S3Proxy proxy = S3Proxy.builder().blobStore(BlobStores.create("transient", new Properties()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "not-a-real-secret").build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(5);
        }
        int port = proxy.getPort();
        S3Client admin = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1).forcePathStyle(true).httpClientBuilder(Apache5HttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access",
                        "not-a-real-secret"))).build();
        admin.createBucket(b -> b.bucket("backups"));
        Storage gcsFake = LocalStorageHelper.customOptions(false).getService();
        Path local = dir.resolve("local");
        byte[] data = new byte[3 * 1024 * 1024];
        new Random(11).nextBytes(data);
        StoredObject stored;
        try (BackupTarget mirror = MirroredBackupTarget.of(FileBackupTarget.of(local),
                S3BackupTarget.builder().location(URI.create("s3://backups/postgresql"))
                        .endpoint(URI.create("http://127.0.0.1:" + port)).pathStyle(true).region("us-east-1")
                        .credentials("access", Secret.of("not-a-real-secret"), null).build(),
                GcsBackupTarget.builder().location("backups", "postgresql").storage(gcsFake).build())) {
            Repository repo = Repository.openOrInit(mirror, RepositoryOptions.DEFAULT, "sys-1", "postgresql");
            BackupSession s = repo.catalog().begin("20261126T020000Z-full");
            stored = s.writeFile("base/1/1259", new ByteArrayInputStream(data));
            s.commit(new BackupManifest(1, s.id(), BackupType.FULL, null, "sys-1", "postgresql", Instant.now(),
                    Instant.now(), Map.of(), Map.of(), List.of(new BackupFile("base/1/1259", BackupFile.Kind.FILE,
                    stored.size(), stored.storedSize(), stored.sha256(), stored.key(), null, null, 0600, null, null)),
                    stored.size(), stored.storedSize()));

            // the write landed in all three stores
            assertThat(local.resolve(stored.key())).exists();
            assertThat(admin.headObject(h -> h.bucket("backups").key("postgresql/" + stored.key())).contentLength())
                    .isEqualTo(stored.storedSize());
            assertThat(gcsFake.get("backups", "postgresql/" + stored.key())).isNotNull();
            for (BackupTarget replica : mirror.replicas()) {
                assertThat(Repository.open(replica, RepositoryOptions.DEFAULT).catalog().list()).as(replica.toString())
                        .extracting(BackupManifest::id).containsExactly("20261126T020000Z-full");
            }

            // bit rot in the local copy: the verified read falls back to the next mirror
            Path copy = local.resolve(stored.key());
            byte[] b = Files.readAllBytes(copy);
            b[b.length / 3] ^= 0x01;
            Files.write(copy, b);
            byte[] back = repo.readVerified(stored, InputStream::readAllBytes);
            assertThat(back).isEqualTo(data);
        }
        admin.close();
        proxy.stop(); // S3 is down
        try (BackupTarget mirror = MirroredBackupTarget.of(FileBackupTarget.of(local),
                S3BackupTarget.builder().location(URI.create("s3://backups/postgresql"))
                        .endpoint(URI.create("http://127.0.0.1:" + port)).pathStyle(true).region("us-east-1")
                        .credentials("access", Secret.of("not-a-real-secret"), null).verifyOnOpen(false).maxAttempts(1).build(),
                GcsBackupTarget.builder().location("backups", "postgresql").storage(gcsFake).build())) {
            Repository repo = Repository.open(mirror, RepositoryOptions.DEFAULT);
            assertThat(repo.catalog().list()).hasSize(1);
            assertThat(repo.readVerified(stored, InputStream::readAllBytes)).as("local corrupt, S3 down: GCS")
                    .isEqualTo(data);
        }
    }
}
