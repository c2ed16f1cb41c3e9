package io.dr4j.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.UUID;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.Capability;
import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.StorageSelfTest;
import io.dr4j.core.storage.WriteOptions;
import io.dr4j.tck.BackupTargetContractTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Opt-in: the whole dr-tck kit plus S3 specifics against a real S3 (or S3-compatible) bucket when {@code DR_IT_S3_BUCKET} is set. Credentials come
 * from the AWS default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, instance role). Optional:
 * {@code DR_IT_S3_REGION}, {@code DR_IT_S3_ENDPOINT} + {@code DR_IT_S3_PATH_STYLE=true} for compatible stores,
 * {@code DR_IT_S3_LOCK_BUCKET}: a bucket created with Object Lock, for the immutability tests.
 */
@EnabledIfEnvironmentVariable(named = "DR_IT_S3_BUCKET", matches = ".+")
class S3RealIT extends BackupTargetContractTest {
    static final String BUCKET = System.getenv("DR_IT_S3_BUCKET");

    @Override
    protected BackupTarget createTarget() {
        return builder(BUCKET).build();
    }

    @AfterEach
    void removeObjects() {
        target.listAll("").forEach(o -> target.delete(o.key()));
    }

    static S3BackupTargetBuilder builder(String bucket) {
        S3BackupTargetBuilder b = S3BackupTarget.builder()
                .location(URI.create("s3://" + bucket + "/dr4j-it/" + UUID.randomUUID()))
                .region(System.getenv("DR_IT_S3_REGION"));
        if (System.getenv("DR_IT_S3_ENDPOINT") != null) {
            b.endpoint(URI.create(System.getenv("DR_IT_S3_ENDPOINT")))
                    .pathStyle(Boolean.parseBoolean(System.getenv("DR_IT_S3_PATH_STYLE")));
        }
        return b;
    }

    @Test
    @DisplayName("real store: the self-test passes and shows what the store does")
    void selfTest() {
        try (S3BackupTarget t = builder(BUCKET).build()) {
            StorageSelfTest.Report r = StorageSelfTest.run(t);
            System.out.println(r.summary());
            assertThat(r.passed()).as(r.summary()).isTrue();
        }
    }

    @Test
    @DisplayName("real store: multipart round trip, create-only refused, abort leaves no upload")
    void multipart() throws Exception {
        try (S3BackupTarget t = builder(BUCKET).partSize(S3Settings.MIN_PART_SIZE).build()) {
            byte[] data = new byte[12 * 1024 * 1024];
            new Random(1).nextBytes(data);
            t.put("big", new ByteArrayInputStream(data), WriteOptions.createNew());
            try (InputStream in = t.get("big")) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            assertThatThrownBy(() -> t.put("big", new ByteArrayInputStream(data), WriteOptions.createNew()))
                    .isInstanceOf(ObjectAlreadyExistsException.class);
            try (var w = t.newWriter("aborted", WriteOptions.createNew())) {
                w.write(data);
            }
            assertThat(t.s3.listMultipartUploads(b -> b.bucket(BUCKET).prefix(t.location.prefix())).uploads()).isEmpty();
            t.delete("big");
        }
    }

    @Test
    @DisplayName("real store: Object Lock configured on a bucket without it is refused at open")
    void lockOnBucketWithoutLock() {
        assertThatThrownBy(() -> builder(BUCKET).objectLock(S3Settings.LockMode.GOVERNANCE, Duration.ofDays(1)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("Object Lock");
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "DR_IT_S3_LOCK_BUCKET", matches = ".+")
    @DisplayName("real store with Object Lock: objects are locked until retain-until and the version cannot be deleted")
    void objectLock() {
        String lockBucket = System.getenv("DR_IT_S3_LOCK_BUCKET");
        try (S3BackupTarget t = builder(lockBucket).objectLock(S3Settings.LockMode.GOVERNANCE, Duration.ofMinutes(2))
                .build()) {
            assertThat(t.capabilities()).contains(Capability.IMMUTABILITY);
            t.put("locked", new ByteArrayInputStream(new byte[] {1, 2, 3}), WriteOptions.createNew());
            ObjectInfo info = t.stat("locked").orElseThrow();
            assertThat(info.retainUntil()).isAfter(Instant.now().plus(1, ChronoUnit.MINUTES));
            String version = t.s3.headObject(b -> b.bucket(lockBucket).key(t.location.objectKey("locked"))).versionId();
            assertThatThrownBy(() -> t.s3.deleteObject(b -> b.bucket(lockBucket).key(t.location.objectKey("locked"))
                    .versionId(version))).isInstanceOf(S3Exception.class);
        }
    }
}
