package io.dr4j.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.util.Random;
import java.util.UUID;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.StorageSelfTest;
import io.dr4j.core.storage.WriteOptions;
import io.dr4j.tck.BackupTargetContractTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import com.google.cloud.storage.BucketInfo;

/**
 * Opt-in: the whole dr-tck kit and the cases the in-memory fake cannot support, against a real endpoint. Runs when
 * {@code STORAGE_EMULATOR_HOST} is set (e.g. fake-gcs-server; the bucket is created) or {@code DR_IT_GCS_BUCKET}
 * names a real bucket (Application Default Credentials, or {@code DR_STORAGE_GCS_CREDENTIALS_FILE}).
 */
@EnabledIf("enabled")
class GcsRealIT extends BackupTargetContractTest {
    static boolean enabled() {
        return System.getenv("STORAGE_EMULATOR_HOST") != null || System.getenv("DR_IT_GCS_BUCKET") != null;
    }

    static final String BUCKET = System.getenv("DR_IT_GCS_BUCKET") != null ? System.getenv("DR_IT_GCS_BUCKET") : "dr4j-it";

    GcsBackupTarget gcs;

    @Override
    protected BackupTarget createTarget() {
        GcsBackupTargetBuilder b = GcsBackupTarget.builder()
                .location(URI.create("gs://" + BUCKET + "/dr4j-it/" + UUID.randomUUID())).chunkSize(256 * 1024);
        if (System.getenv("DR_STORAGE_GCS_CREDENTIALS_FILE") != null) {
            b.credentialsFile(java.nio.file.Path.of(System.getenv("DR_STORAGE_GCS_CREDENTIALS_FILE")));
        }
        if (System.getenv("DR_IT_GCS_BUCKET") == null) {
            try (GcsBackupTarget setup = GcsBackupTarget.builder().location(BUCKET, "").verifyOnOpen(false).build()) {
                if (setup.storage.get(BUCKET) == null) {
                    setup.storage.create(BucketInfo.of(BUCKET));
                }
            }
        }
        gcs = b.build();
        return gcs;
    }

    @AfterEach
    void removeObjects() {
        gcs.listAll("").forEach(o -> gcs.delete(o.key()));
    }

    @Test
    @DisplayName("real endpoint: the self-test passes (create-only and pagination included)")
    void selfTest() {
        StorageSelfTest.Report r = StorageSelfTest.run(gcs);
        System.out.println(r.summary());
        assertThat(r.passed()).as(r.summary()).isTrue();
    }

    @Test
    @DisplayName("real endpoint: create-only single-request and resumable writes over an existing key fail")
    void createOnly() throws Exception {
        gcs.put("k", new ByteArrayInputStream(new byte[] {1}), WriteOptions.createNew());
        assertThatThrownBy(() -> gcs.put("k", new ByteArrayInputStream(new byte[] {2}), WriteOptions.createNew()))
                .isInstanceOf(ObjectAlreadyExistsException.class);
        byte[] big = new byte[700_000];
        new Random(1).nextBytes(big);
        assertThatThrownBy(() -> gcs.put("k", new ByteArrayInputStream(big), WriteOptions.createNew()))
                .isInstanceOf(ObjectAlreadyExistsException.class);
        try (InputStream in = gcs.get("k")) {
            assertThat(in.readAllBytes()).containsExactly(1);
        }
    }

    @Test
    @DisplayName("real endpoint: an aborted resumable upload creates no object")
    void abortLarge() throws Exception {
        byte[] big = new byte[700_000];
        try (ObjectWriter w = gcs.newWriter("aborted", WriteOptions.createNew())) {
            w.write(big);
        }
        assertThat(gcs.exists("aborted")).isFalse();
        assertThat(gcs.listAll("").map(ObjectInfo::key)).doesNotContain("aborted");
    }
}
