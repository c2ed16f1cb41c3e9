package io.dr4j.core.storage.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.StorageException;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared part of the S3 and GCS builders and providers, with a plugin of its own over a real directory. */
class RemoteTargetBuilderTest {
    @TempDir
    Path dir;

    /** A plugin's builder: one setting of its own, a bucket check that can be made to fail. */
    final class DirBuilder extends RemoteTargetBuilder<DirBuilder, BackupTarget> {
        @Nullable String mode;
        @Nullable Duration retention;
        long partSize = 1;
        boolean bucketMissing;
        final List<BackupTarget> opened = new ArrayList<>();
        final List<BackupTarget> closed = new ArrayList<>();

        DirBuilder() {
            super("dr.storage.dir", "http://127.0.0.1:9000", "dr.storage.dir.key");
        }

        DirBuilder partSize(long bytes) {
            this.partSize = bytes;
            return this;
        }

        @Override
        protected void addProblems(List<String> problems) {
            if (partSize < 1) {
                problems.add("dr.storage.dir.part-size must be positive, was " + partSize);
            }
            checkRetention(problems, "dr.storage.dir.mode", mode, "dr.storage.dir.retention", retention, "a or b");
        }

        @Override
        protected BackupTarget open() {
            FileBackupTarget files = FileBackupTarget.of(dir);
            BackupTarget t = new io.dr4j.core.storage.ForwardingBackupTarget(files) {
                @Override
                public void close() {
                    closed.add(this);
                }
            };
            opened.add(t);
            return t;
        }

        @Override
        protected void verify(BackupTarget target) {
            if (bucketMissing) {
                throw new StorageException("bucket missing: create it");
            }
        }
    }

    @Test
    void everyProblemIsListedAtOnceAndNothingIsOpened() {
        DirBuilder b = new DirBuilder().maxAttempts(0).partSize(0)
                .endpoint(URI.create("ftp://user:pw@host/x?token=t"));
        b.mode = "a";
        assertThat(b.validate()).containsExactly(
                "dr.storage.dir.part-size must be positive, was 0",
                "dr.storage.dir.mode=a needs a positive dr.storage.dir.retention, e.g. 35d",
                "dr.storage.dir.max-attempts must be at least 1, was 0",
                "dr.storage.dir.endpoint must be an http(s) URL such as http://127.0.0.1:9000, was 'ftp://host/x'",
                "dr.storage.dir.endpoint must not contain credentials; use dr.storage.dir.key");
        assertThatThrownBy(b::build).isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems()).hasSize(5))
                .satisfies(e -> assertThat(e.toString()).doesNotContain("pw").doesNotContain("token"));
        assertThat(b.opened).isEmpty();

        DirBuilder d = new DirBuilder();
        d.retention = Duration.ofDays(1);
        assertThat(d.validate()).containsExactly("dr.storage.dir.retention is set without dr.storage.dir.mode (a or b)");
    }

    @Test
    void aTargetWhoseBucketCheckFailsIsClosedAndOnlyCheckedWhenAsked() {
        DirBuilder failing = new DirBuilder();
        failing.bucketMissing = true;
        assertThatThrownBy(failing::build).isInstanceOf(StorageException.class).hasMessageContaining("bucket missing");
        assertThat(failing.opened).hasSize(1);
        assertThat(failing.closed).isEqualTo(failing.opened);

        DirBuilder unchecked = new DirBuilder().verifyOnOpen(false);
        unchecked.bucketMissing = true;
        BackupTarget t = unchecked.endpoint(URI.create("https://store.example")).build();
        assertThat(unchecked.opened).containsExactly(t);
        assertThat(unchecked.closed).isEmpty();
        assertThat(unchecked.endpoint()).isEqualTo(URI.create("https://store.example"));
        assertThat(unchecked.maxAttempts()).isEqualTo(6);
    }

    @Test
    void providerSettingsCollectEveryProblemWithTheBuildersOwn() {
        ProviderConfig root = ProviderConfig.of(Map.of("dr.storage.dir.endpoint", "http://bad host",
                "dr.storage.dir.part-size", "12 parsecs", "dr.storage.dir.max-attempts", "0"));
        DirBuilder b = new DirBuilder();
        ProviderSettings s = ProviderSettings.of(root, "dr.storage.dir");
        assertThat(ProviderSettings.of(s.config(), "dr.storage.dir").config().namespace()).isEqualTo("dr.storage.dir");
        s.apply(() -> s.config().get("endpoint").ifPresent(e -> b.endpoint(s.url("endpoint", e, "http://h:1"))));
        s.apply(() -> s.config().get("part-size").ifPresent(v -> b.partSize(s.size("part-size", v))));
        s.apply(() -> b.maxAttempts(s.config().getInt("max-attempts", 6)));
        assertThatThrownBy(() -> s.done(b)).isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems()).containsExactly(
                        "dr.storage.dir.endpoint is not a URL: Illegal character in authority. Use e.g. http://h:1",
                        "dr.storage.dir.part-size must be a size such as 16MiB or 8388608, was '12 parsecs'",
                        "dr.storage.dir.max-attempts must be at least 1, was 0"));

        ProviderSettings ok = ProviderSettings.of(ProviderConfig.empty(), "dr.storage.dir");
        DirBuilder fine = new DirBuilder();
        assertThat(ok.done(fine)).isSameAs(fine);
    }

    @Test
    void sizesTakeBinaryUnits() {
        ProviderSettings s = ProviderSettings.of(ProviderConfig.empty(), "dr.storage.dir");
        assertThat(s.size("k", "16MiB")).isEqualTo(16L << 20);
        assertThat(s.size("k", "16 MB")).isEqualTo(16L << 20);
        assertThat(s.size("k", "8388608")).isEqualTo(8388608L);
        assertThat(s.size("k", "1g")).isEqualTo(1L << 30);
        assertThat(s.size("k", "256k")).isEqualTo(256L << 10);
        assertThatThrownBy(() -> s.size("k", "99999999999999g")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("dr.storage.dir.k must be a size");
    }
}
