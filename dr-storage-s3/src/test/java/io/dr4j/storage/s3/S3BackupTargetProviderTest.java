package io.dr4j.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.spi.NoSuchProviderException;
import io.dr4j.core.spi.Providers;
import io.dr4j.core.storage.BackupTargets;
import io.dr4j.core.storage.spi.BackupTargetProvider;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class S3BackupTargetProviderTest {

    @Test
    @DisplayName("ServiceLoader finds the s3 provider and it supports s3:// locations only")
    void registered() {
        assertThat(ServiceLoader.load(BackupTargetProvider.class).stream().map(p -> p.get().id()))
                .contains("s3", "file");
        assertThat(Providers.backupTargetIds()).contains("s3");
        BackupTargetProvider s3 = Providers.backupTargets().providers().stream().filter(p -> p.id().equals("s3"))
                .findFirst().orElseThrow();
        assertThat(s3).isInstanceOf(S3BackupTargetProvider.class);
        assertThat(s3.supports(URI.create("s3://bucket/prefix"))).isTrue();
        assertThat(s3.supports(URI.create("S3://bucket/prefix"))).isTrue();
        assertThat(s3.supports(URI.create("gs://bucket/prefix"))).isFalse();
        assertThat(s3.artifact()).isEqualTo("io.dr4j:dr-storage-s3");
    }

    @Test
    @DisplayName("the scheme with no provider installed gets an error naming the artifact to add")
    void gsNotInstalledHere() {
        assertThatThrownBy(() -> BackupTargets.open(URI.create("gs://bucket/x"), ProviderConfig.empty()))
                .isInstanceOf(NoSuchProviderException.class).hasMessageContaining("dr-storage-gcs");
    }

    @Test
    @DisplayName("s3:// locations parse into bucket and prefix")
    void parse() {
        assertThat(S3Location.parse(URI.create("s3://swe-platform-backups/postgresql-backups/")))
                .isEqualTo(new S3Location("swe-platform-backups", "postgresql-backups/"));
        assertThat(S3Location.parse(URI.create("s3://b12/a/b")).prefix()).isEqualTo("a/b/");
        assertThat(S3Location.parse(URI.create("s3://b12")).prefix()).isEmpty();
        assertThat(S3Location.parse(URI.create("s3://b12/a/b")).objectKey("wal/1")).isEqualTo("a/b/wal/1");
    }

    @Test
    @DisplayName("malformed s3 URIs are refused with a message that shows the right form")
    void malformed() {
        assertThatThrownBy(() -> S3Location.parse(URI.create("s3:bucket/x"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("s3://<bucket>/<prefix>");
        assertThatThrownBy(() -> S3Location.parse(URI.create("s3:///x"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("names no bucket");
        assertThatThrownBy(() -> S3Location.parse(URI.create("s3://Upper_Case/x")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("Invalid S3 bucket name");
        assertThatThrownBy(() -> S3Location.parse(URI.create("s3://ab/x"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("3 to 63");
        assertThatThrownBy(() -> S3Location.parse(URI.create("s3://bucket/a/../b")))
                .hasMessageContaining("'..'");
        assertThatThrownBy(() -> S3Location.parse(URI.create("s3://AKIA:hunter2@bucket/x")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("contains credentials")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        assertThatThrownBy(() -> S3Location.parse(URI.create("s3://bucket/x?region=eu")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("dr.storage.s3");
    }

    @Test
    @DisplayName("every invalid setting is reported at once, and secret values are never echoed")
    void invalidSettingsAllAtOnce() {
        ProviderConfig config = ProviderConfig.of(Map.of(
                "dr.storage.s3.part-size", "1MiB",
                "dr.storage.s3.concurrency", "0",
                "dr.storage.s3.sse", "rot13",
                "dr.storage.s3.object-lock.mode", "forever",
                "dr.storage.s3.checksum", "sometimes",
                "dr.storage.s3.secret-access-key", "very-secret-value",
                "dr.storage.s3.endpoint", "ftp://host"));
        assertThatThrownBy(() -> new S3BackupTargetProvider().create(URI.create("s3://bucket/x"), config))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> {
                    ConfigurationException ce = (ConfigurationException) e;
                    assertThat(ce.problems()).hasSizeGreaterThanOrEqualTo(5);
                    assertThat(ce.getMessage()).contains("sse must be none, aes256 or aws:kms")
                            .contains("object-lock.mode must be governance or compliance")
                            .contains("checksum must be when_supported or when_required")
                            .contains("access-key-id and dr.storage.s3.secret-access-key must be set together")
                            .doesNotContain("very-secret-value");
                });
        assertThatThrownBy(() -> S3BackupTarget.builder().location(URI.create("s3://bucket/x"))
                .partSize(1024).concurrency(0).endpoint(URI.create("ftp://host")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("part-size must be between 5 MiB and 5 GiB")
                .hasMessageContaining("concurrency must be between 1 and 64")
                .hasMessageContaining("endpoint must be an http(s) URL");
    }

    @Test
    @DisplayName("object lock needs a retention, and a kms key needs aws:kms")
    void lockAndKmsConsistency() {
        assertThatThrownBy(() -> S3BackupTarget.builder().location(URI.create("s3://bucket/x"))
                .objectLock(S3Settings.LockMode.COMPLIANCE, null).verifyOnOpen(false).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("object-lock.retention");
        assertThatThrownBy(() -> S3BackupTarget.builder().location(URI.create("s3://bucket/x"))
                .kmsKeyId("k").encryption(S3Settings.Encryption.SSE_S3).verifyOnOpen(false).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("kms-key-id");
    }

    @Test
    @DisplayName("settings are read from dr.storage.s3.* (sizes, durations, enums) and shown without secrets")
    void settingsParsed() {
        ProviderConfig config = ProviderConfig.of(Map.of(
                "dr.storage.s3.region", "eu-central-1",
                "dr.storage.s3.endpoint", "https://minio.example:9000",
                "dr.storage.s3.path-style", "true",
                "dr.storage.s3.part-size", "64MiB",
                "dr.storage.s3.concurrency", "8",
                "dr.storage.s3.sse", "aws:kms",
                "dr.storage.s3.kms-key-id", "alias/backups",
                "dr.storage.s3.object-lock.mode", "compliance",
                "dr.storage.s3.object-lock.retention", "35d",
                "dr.storage.s3.access-key-id", "AKIDEXAMPLE"))
                .with("dr.storage.s3.secret-access-key", "super-secret")
                .with("dr.storage.s3.verify-on-open", "false")
                .with("dr.storage.s3.conditional-writes", "off");
        try (S3BackupTarget t = (S3BackupTarget) new S3BackupTargetProvider().create(URI.create("s3://bucket/db"), config)) {
            S3Settings s = t.settings();
            assertThat(s.region()).isEqualTo("eu-central-1");
            assertThat(s.endpoint()).isEqualTo(URI.create("https://minio.example:9000"));
            assertThat(s.pathStyle()).isTrue();
            assertThat(s.partSize()).isEqualTo(64L << 20);
            assertThat(s.concurrency()).isEqualTo(8);
            assertThat(s.encryption()).isEqualTo(S3Settings.Encryption.SSE_KMS);
            assertThat(s.kmsKeyId()).isEqualTo("alias/backups");
            assertThat(s.objectLockMode()).isEqualTo(S3Settings.LockMode.COMPLIANCE);
            assertThat(s.objectLockRetention()).isEqualTo(Duration.ofDays(35));
            assertThat(s.conditionalWrites()).isEqualTo(S3Settings.ConditionalWrites.OFF);
            assertThat(t.capabilities()).doesNotContain(io.dr4j.core.storage.Capability.CONDITIONAL_CREATE);
            assertThat(t.toString() + s).doesNotContain("super-secret");
            assertThat(t.location()).isEqualTo(URI.create("s3://bucket/db/"));
        }
    }
}
