package io.dr4j.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.spi.Providers;
import io.dr4j.core.storage.AccessDeniedException;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.BackupTargets;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;
import io.dr4j.core.storage.spi.BackupTargetProvider;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.google.cloud.storage.Storage;

class GcsBackupTargetProviderTest {

    @Test
    @DisplayName("ServiceLoader finds the gcs provider for gs:// (and gcs://) locations")
    void registered() {
        assertThat(ServiceLoader.load(BackupTargetProvider.class).stream().map(p -> p.get().id())).contains("gcs", "file");
        BackupTargetProvider gcs = Providers.backupTargets().providers().stream().filter(p -> p.id().equals("gcs"))
                .findFirst().orElseThrow();
        assertThat(gcs).isInstanceOf(GcsBackupTargetProvider.class);
        assertThat(gcs.supports(URI.create("gs://swe-platform-backups/postgresql-backups/"))).isTrue();
        assertThat(gcs.supports(URI.create("gcs://bucket/x"))).isTrue();
        assertThat(gcs.supports(URI.create("s3://bucket/x"))).isFalse();
        assertThat(gcs.artifact()).isEqualTo("io.dr4j:dr-storage-gcs");
    }

    @Test
    @DisplayName("BackupTargets.open resolves gs:// to a GcsBackupTarget configured from dr.storage.gcs.*")
    void openThroughRegistry() {
        ProviderConfig config = ProviderConfig.of(Map.of(
                "dr.storage.gcs.endpoint", "http://127.0.0.1:1",
                "dr.storage.gcs.verify-on-open", "false",
                "dr.storage.gcs.chunk-size", "512KiB",
                "dr.storage.gcs.kms-key-name", "projects/p/locations/l/keyRings/r/cryptoKeys/k",
                "dr.storage.gcs.retention-mode", "locked",
                "dr.storage.gcs.retention", "30d",
                "dr.storage.gcs.event-based-hold", "true"));
        try (BackupTarget t = BackupTargets.open(URI.create("gs://swe-platform-backups/postgresql-backups"), config)) {
            assertThat(t).isInstanceOf(GcsBackupTarget.class);
            GcsSettings s = ((GcsBackupTarget) t).settings();
            assertThat(s.location()).isEqualTo(new GcsLocation("swe-platform-backups", "postgresql-backups/"));
            assertThat(s.chunkSize()).isEqualTo(512 * 1024);
            assertThat(s.kmsKeyName()).endsWith("cryptoKeys/k");
            assertThat(s.retentionMode()).isEqualTo(GcsSettings.RetentionMode.LOCKED);
            assertThat(s.retention()).isEqualTo(Duration.ofDays(30));
            assertThat(s.eventBasedHold()).isTrue();
            assertThat(t.capabilities()).contains(io.dr4j.core.storage.Capability.SERVER_SIDE_ENCRYPTION);
        }
    }

    @Test
    @DisplayName("malformed gs URIs and invalid settings are refused, all problems at once, secrets not echoed")
    void invalid() {
        assertThatThrownBy(() -> GcsLocation.parse(URI.create("gs:bucket"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("gs://<bucket>/<prefix>");
        assertThatThrownBy(() -> GcsLocation.parse(URI.create("gs://Bad_Bucket!/x")))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> GcsLocation.parse(URI.create("gs://bucket/a/../b"))).hasMessageContaining("'..'");
        assertThatThrownBy(() -> GcsLocation.parse(URI.create("gs://user:pw@bucket/x")))
                .isInstanceOf(ConfigurationException.class).satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw"));
        ProviderConfig config = ProviderConfig.of(Map.of(
                "dr.storage.gcs.chunk-size", "100000",
                "dr.storage.gcs.retention-mode", "forever",
                "dr.storage.gcs.max-attempts", "0",
                "dr.storage.gcs.credentials-json", "{\"private_key\":\"SECRET-KEY-MATERIAL\"}",
                "dr.storage.gcs.credentials-file", "/nonexistent/key.json"));
        assertThatThrownBy(() -> new GcsBackupTargetProvider().create(URI.create("gs://bucket/x"), config))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("retention-mode must be unlocked or locked")
                .hasMessageContaining("chunk-size must be a positive multiple of 256 KiB")
                .hasMessageContaining("max-attempts must be at least 1")
                .hasMessageContaining("only one of dr.storage.gcs.credentials-file and dr.storage.gcs.credentials-json")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET-KEY-MATERIAL"));
    }

    @Test
    @DisplayName("invalid service-account JSON is a configuration error that does not echo the key")
    void badCredentialsJson() {
        assertThatThrownBy(() -> GcsBackupTarget.builder().location(URI.create("gs://bucket/x"))
                .credentialsJson(io.dr4j.core.config.Secret.of("{\"type\":\"nonsense\",\"private_key\":\"SECRET-KEY\"}"))
                .verifyOnOpen(false).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("credentials-json")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET-KEY"));
    }

    /** A Storage whose every call fails with the given HTTP code. */
    static Storage failing(int code, String message) {
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    throw new com.google.cloud.storage.StorageException(code, message);
                });
    }

    @Test
    @DisplayName("a missing bucket is named, access denied names the permission")
    void errors() {
        assertThatThrownBy(() -> GcsBackupTarget.builder().location(URI.create("gs://no-such-bucket/x"))
                .storage(failing(404, "The specified bucket does not exist.")).build())
                .isInstanceOf(StorageException.class).hasMessageContaining("'no-such-bucket' does not exist");
        assertThatThrownBy(() -> GcsBackupTarget.builder().location(URI.create("gs://bucket/x"))
                .storage(failing(403, "caller does not have storage.objects.list access")).build())
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("storage.objects.list");
        try (GcsBackupTarget t = GcsBackupTarget.builder().location(URI.create("gs://bucket/x"))
                .storage(failing(403, "denied")).verifyOnOpen(false).build()) {
            assertThatThrownBy(() -> t.put("k", new ByteArrayInputStream(new byte[1]), WriteOptions.createNew()))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("storage.objects.create");
            assertThatThrownBy(() -> t.delete("k")).isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("storage.objects.delete");
        }
    }

    @Test
    @DisplayName("an endpoint where nothing listens names the endpoint and the setting")
    void unreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int closed = port;
        assertThatThrownBy(() -> GcsBackupTarget.builder().location(URI.create("gs://bucket/x"))
                .endpoint(URI.create("http://127.0.0.1:" + closed)).maxAttempts(1).build())
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("Cannot reach http://127.0.0.1:" + closed)
                .hasMessageContaining("dr.storage.gcs.endpoint");
    }
}
