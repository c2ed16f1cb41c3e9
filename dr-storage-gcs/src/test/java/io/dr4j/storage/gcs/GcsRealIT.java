package io.dr4j.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import io.dr4j.core.storage.ListPage;
import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.StorageSelfTest;
import io.dr4j.core.storage.WriteOptions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import com.google.cloud.storage.BucketInfo;

/**
 * Opt-in: the cases the in-memory fake cannot support, against a real endpoint. Runs when
 * {@code STORAGE_EMULATOR_HOST} is set (e.g. fake-gcs-server; the bucket is created) or {@code DR_IT_GCS_BUCKET}
 * names a real bucket (Application Default Credentials, or {@code DR_STORAGE_GCS_CREDENTIALS_FILE}).
 */
@EnabledIf("enabled")
class GcsRealIT {
    static boolean enabled() {
        return System.getenv("STORAGE_EMULATOR_HOST") != null || System.getenv("DR_IT_GCS_BUCKET") != null;
    }

    static final String BUCKET = System.getenv("DR_IT_GCS_BUCKET") != null ? System.getenv("DR_IT_GCS_BUCKET") : "dr4j-it";

    GcsBackupTarget target;

    @BeforeEach
    void open() {
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
        target = b.build();
    }

    @AfterEach
    void close() {
        target.listAll("").forEach(o -> target.delete(o.key()));
        target.close();
    }

    @Test
    @DisplayName("real endpoint: the self-test passes (create-only and pagination included)")
    void selfTest() {
        StorageSelfTest.Report r = StorageSelfTest.run(target);
        System.out.println(r.summary());
        assertThat(r.passed()).as(r.summary()).isTrue();
    }

    @Test
    @DisplayName("real endpoint: pages of 10 reach every object in order")
    void pagination() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            keys.add(String.format("p/%02d", i));
            target.put(keys.get(i), new ByteArrayInputStream(new byte[] {(byte) i}), WriteOptions.createNew());
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            ListPage page = target.list("p/", token, 10);
            assertThat(page.objects()).hasSizeLessThanOrEqualTo(10);
            page.objects().forEach(o -> seen.add(o.key()));
            token = page.nextToken();
        } while (token != null);
        assertThat(seen).isEqualTo(keys);
    }

    @Test
    @DisplayName("real endpoint: create-only single-request and resumable writes over an existing key fail")
    void createOnly() throws Exception {
        target.put("k", new ByteArrayInputStream(new byte[] {1}), WriteOptions.createNew());
        assertThatThrownBy(() -> target.put("k", new ByteArrayInputStream(new byte[] {2}), WriteOptions.createNew()))
                .isInstanceOf(ObjectAlreadyExistsException.class);
        byte[] big = new byte[700_000];
        new Random(1).nextBytes(big);
        assertThatThrownBy(() -> target.put("k", new ByteArrayInputStream(big), WriteOptions.createNew()))
                .isInstanceOf(ObjectAlreadyExistsException.class);
        try (InputStream in = target.get("k")) {
            assertThat(in.readAllBytes()).containsExactly(1);
        }
    }

    @Test
    @DisplayName("real endpoint: an aborted resumable upload creates no object")
    void abortLarge() throws Exception {
        byte[] big = new byte[700_000];
        try (ObjectWriter w = target.newWriter("aborted", WriteOptions.createNew())) {
            w.write(big);
        }
        assertThat(target.exists("aborted")).isFalse();
        assertThat(target.listAll("").map(ObjectInfo::key)).doesNotContain("aborted");
    }
}
