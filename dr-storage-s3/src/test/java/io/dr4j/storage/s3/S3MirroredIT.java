package io.dr4j.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.BackupTargets;
import io.dr4j.core.storage.MirroredBackupTarget;
import io.dr4j.core.storage.WriteOptions;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's "Local + S3": a mirror: location over a directory and an s3proxy bucket, resolved by scheme. */
class S3MirroredIT {

    @TempDir
    Path dir;

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    @DisplayName("mirror:file:…,s3://… writes land in both stores, and reads fall back when either one is broken")
    void localPlusS3() throws Exception {
        S3ProxyServer server = S3ProxyServer.startTransient();
        try {
            server.createBucket("mirror");
            String prefix = "db-" + UUID.randomUUID();
            ProviderConfig config = ProviderConfig.of(Map.of(
                    "dr.storage.s3.endpoint", server.endpoint().toString(),
                    "dr.storage.s3.path-style", "true",
                    "dr.storage.s3.access-key-id", S3ProxyServer.ACCESS_KEY,
                    "dr.storage.s3.secret-access-key", S3ProxyServer.SECRET_KEY,
                    "dr.storage.s3.part-size", "5MiB",
                    "dr.storage.s3.max-attempts", "1"));
            URI uri = URI.create("mirror:" + dir.toUri() + "," + "s3://mirror/" + prefix);
            byte[] small = "manifest".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] big = new byte[6 * 1024 * 1024]; // two parts: a multipart upload on the S3 leg
            new Random(7).nextBytes(big);
            try (BackupTarget mirror = BackupTargets.open(uri, config)) {
                assertThat(mirror).isInstanceOf(MirroredBackupTarget.class);
                assertThat(((MirroredBackupTarget) mirror).replicas()).hasSize(2)
                        .anySatisfy(r -> assertThat(r).isInstanceOf(S3BackupTarget.class));
                mirror.put("backups/1/manifest.json", new ByteArrayInputStream(small), WriteOptions.createNew());
                mirror.put("backups/1/data/base.zst", new ByteArrayInputStream(big), WriteOptions.createNew());

                assertThat(Files.readAllBytes(dir.resolve("backups/1/manifest.json"))).isEqualTo(small);
                assertThat(Files.size(dir.resolve("backups/1/data/base.zst"))).isEqualTo(big.length);
                assertThat(read(server.admin().getObject(b -> b.bucket("mirror")
                        .key(prefix + "/backups/1/data/base.zst")))).isEqualTo(big);

                Files.delete(dir.resolve("backups/1/data/base.zst")); // the local copy is lost
                assertThat(read(mirror.get("backups/1/data/base.zst"))).as("read from S3").isEqualTo(big);
            }
                server.close(); // S3 is down now
            server = null;
            try (BackupTarget mirror = BackupTargets.open(uri, config.with("dr.storage.s3.verify-on-open", "false"))) {
                assertThat(read(mirror.get("backups/1/manifest.json"))).as("read from the directory").isEqualTo(small);
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
