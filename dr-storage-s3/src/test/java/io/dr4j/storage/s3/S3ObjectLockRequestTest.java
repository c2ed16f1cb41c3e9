package io.dr4j.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.dr4j.core.config.Secret;
import io.dr4j.core.storage.Capability;
import io.dr4j.core.storage.WriteOptions;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Object Lock and SSE cannot be exercised on s3proxy (it rejects the headers), so these tests capture the signed
 * HTTP request the SDK is about to send and stop it there: what AWS S3 would receive.
 */
class S3ObjectLockRequestTest {

    /** Records each request after signing and stops it before it reaches the network. */
    static final class Capture implements ExecutionInterceptor {
        final List<SdkHttpRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            requests.add(context.httpRequest());
            throw new Stop();
        }
    }

    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super("request captured, not sent");
        }
    }

    static S3BackupTargetBuilder offline(Capture capture) {
        return S3BackupTarget.builder().location(URI.create("s3://locked-bucket/backups"))
                .region("eu-central-1").credentials("AKIDEXAMPLE", Secret.of("wJalrXUtnFEMI/K7MDENG"), null)
                .addInterceptor(capture).maxAttempts(1).verifyOnOpen(false);
    }

    static String header(SdkHttpRequest r, String name) {
        return r.firstMatchingHeader(name).orElseThrow(() -> new AssertionError("no header " + name + " in "
                + r.method() + " " + r.encodedPath() + ": " + r.headers().keySet()));
    }

    static boolean hasContentChecksum(SdkHttpRequest r) {
        return r.firstMatchingHeader("x-amz-checksum-crc32").isPresent()
                || r.firstMatchingHeader("x-amz-trailer").map(t -> t.contains("x-amz-checksum-crc32")).orElse(false)
                || r.firstMatchingHeader("Content-MD5").isPresent();
    }

    @Test
    @DisplayName("configured COMPLIANCE lock: a PUT carries mode, retain-until = now + retention, and a content checksum")
    void configuredLockOnPut() {
        Capture capture = new Capture();
        Instant before = Instant.now();
        try (S3BackupTarget t = offline(capture).objectLock(S3Settings.LockMode.COMPLIANCE, Duration.ofDays(35))
                .checksumWhenRequired(true).build()) {
            assertThatThrownBy(() -> t.put("wal/000000010000000000000001", new ByteArrayInputStream(new byte[100]),
                    WriteOptions.createNew())).isInstanceOf(Stop.class);
        }
        SdkHttpRequest put = capture.requests.get(0);
        assertThat(put.method().name()).isEqualTo("PUT");
        assertThat(put.encodedPath()).endsWith("backups/wal/000000010000000000000001");
        assertThat(header(put, "x-amz-object-lock-mode")).isEqualTo("COMPLIANCE");
        Instant until = Instant.parse(header(put, "x-amz-object-lock-retain-until-date"));
        assertThat(until).isBetween(before.plus(Duration.ofDays(35)).truncatedTo(ChronoUnit.SECONDS),
                Instant.now().plus(Duration.ofDays(35)));
        assertThat(header(put, "If-None-Match")).isEqualTo("*");
        assertThat(hasContentChecksum(put)).as("S3 requires a checksum with Object Lock, even in when_required mode: "
                + put.headers().keySet()).isTrue();
        assertThat(put.headers().toString()).doesNotContain("wJalrXUtnFEMI");
    }

    @Test
    @DisplayName("WriteOptions.retainUntil without configured mode locks in GOVERNANCE mode until that instant")
    void explicitRetainUntil() {
        Capture capture = new Capture();
        Instant until = Instant.parse("2027-01-31T00:00:00Z");
        try (S3BackupTarget t = offline(capture).build()) {
            assertThatThrownBy(() -> t.put("backups/x/manifest.json", new ByteArrayInputStream(new byte[10]),
                    WriteOptions.createNew().withRetainUntil(until))).isInstanceOf(Stop.class);
            assertThat(t.capabilities()).doesNotContain(Capability.IMMUTABILITY);
        }
        SdkHttpRequest put = capture.requests.get(0);
        assertThat(header(put, "x-amz-object-lock-mode")).isEqualTo("GOVERNANCE");
        assertThat(Instant.parse(header(put, "x-amz-object-lock-retain-until-date"))).isEqualTo(until);
    }

    @Test
    @DisplayName("no lock configured and none requested: no Object Lock headers")
    void noLock() {
        Capture capture = new Capture();
        try (S3BackupTarget t = offline(capture).build()) {
            assertThatThrownBy(() -> t.put("k", new ByteArrayInputStream(new byte[10]), WriteOptions.replaceExisting()))
                    .isInstanceOf(Stop.class);
        }
        SdkHttpRequest put = capture.requests.get(0);
        assertThat(put.firstMatchingHeader("x-amz-object-lock-mode")).isEmpty();
        assertThat(put.firstMatchingHeader("If-None-Match")).as("replaceExisting is unconditional").isEmpty();
    }

    @Test
    @DisplayName("a large object's CreateMultipartUpload carries the lock and SSE-KMS headers")
    void multipartCarriesLockAndKms() throws Exception {
        Capture capture = new Capture();
        try (S3BackupTarget t = offline(capture).objectLock(S3Settings.LockMode.GOVERNANCE, Duration.ofDays(7))
                .kmsKeyId("arn:aws:kms:eu-central-1:111122223333:key/abcd").partSize(S3Settings.MIN_PART_SIZE).build()) {
            assertThat(t.capabilities()).contains(Capability.SERVER_SIDE_ENCRYPTION);
            var w = t.newWriter("big", WriteOptions.createNew());
            byte[] chunk = new byte[1024 * 1024];
            assertThatThrownBy(() -> {
                for (int i = 0; i < 6; i++) {
                    w.write(chunk);
                }
            }).isInstanceOf(Stop.class);
            w.close();
        }
        SdkHttpRequest create = capture.requests.get(0);
        assertThat(create.method().name()).isEqualTo("POST");
        assertThat(create.rawQueryParameters()).containsKey("uploads");
        assertThat(header(create, "x-amz-object-lock-mode")).isEqualTo("GOVERNANCE");
        assertThat(header(create, "x-amz-object-lock-retain-until-date")).isNotBlank();
        assertThat(header(create, "x-amz-server-side-encryption")).isEqualTo("aws:kms");
        assertThat(header(create, "x-amz-server-side-encryption-aws-kms-key-id"))
                .isEqualTo("arn:aws:kms:eu-central-1:111122223333:key/abcd");
    }

    @Test
    @DisplayName("SSE-S3 sends AES256")
    void sseS3() {
        Capture capture = new Capture();
        try (S3BackupTarget t = offline(capture).encryption(S3Settings.Encryption.SSE_S3).build()) {
            assertThatThrownBy(() -> t.put("k", new ByteArrayInputStream(new byte[10]), WriteOptions.createNew()))
                    .isInstanceOf(Stop.class);
        }
        assertThat(header(capture.requests.get(0), "x-amz-server-side-encryption")).isEqualTo("AES256");
    }

    @Test
    @DisplayName("verify() on a bucket without Object Lock refuses the configured mode before anything is written")
    void verifyRequiresObjectLock() {
        Capture capture = new Capture();
        try (S3BackupTarget t = offline(capture).objectLock(S3Settings.LockMode.COMPLIANCE, Duration.ofDays(1)).build()) {
            assertThat(t.capabilities()).as("not verified yet").doesNotContain(Capability.IMMUTABILITY);
            assertThatThrownBy(t::verify).isInstanceOf(Stop.class);
        }
        assertThat(capture.requests.get(0).method().name()).isEqualTo("HEAD");
    }
}
