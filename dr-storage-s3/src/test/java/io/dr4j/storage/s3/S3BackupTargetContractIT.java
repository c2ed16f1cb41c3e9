package io.dr4j.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.dr4j.core.storage.AccessDeniedException;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.BackupTargets;
import io.dr4j.core.storage.ByteRange;
import io.dr4j.core.storage.Capability;
import io.dr4j.core.storage.InvalidKeyException;
import io.dr4j.core.storage.ListPage;
import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectNotFoundException;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.StorageSelfTest;
import io.dr4j.core.storage.WriteOptions;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.config.Secret;
import io.dr4j.tck.BackupTargetContractTest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The S3 target against an embedded s3proxy (transient store) on 127.0.0.1: the whole dr-tck kit, plus the S3
 * specifics (multipart, aborted and failed uploads, conditional writes, resumed downloads, errors).
 */
class S3BackupTargetContractIT extends BackupTargetContractTest {
    static final String BUCKET = "dr4j-it";
    static S3ProxyServer server;

    String prefix;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.startTransient();
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected BackupTarget createTarget() {
        prefix = "t-" + UUID.randomUUID() + "/";
        return server.target(BUCKET, prefix).build();
    }

    /** s3proxy's transient store keeps every object in this JVM's heap; S3LargeObjectIT streams 1 GiB to disk. */
    @Override
    protected long largeObjectSize() {
        return 48L * 1024 * 1024;
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    int openUploads() {
        return server.admin().listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix)).uploads().size();
    }

    @Test
    @DisplayName("an object that was put can be read back byte-for-byte, with its size and metadata")
    void roundTrip() throws IOException {
        byte[] data = random(100_000, 1);
        ObjectInfo info = target.put("a/b.bin", new ByteArrayInputStream(data),
                WriteOptions.createNew().withMetadata(Map.of("sha256", "abc")));

        assertThat(info.size()).isEqualTo(data.length);
        assertThat(read(target.get("a/b.bin"))).isEqualTo(data);
        ObjectInfo stat = target.stat("a/b.bin").orElseThrow();
        assertThat(stat.size()).isEqualTo(data.length);
        assertThat(stat.metadata()).containsEntry("sha256", "abc");
        assertThat(target.exists("a/b.bin")).isTrue();
        assertThat(server.admin().headObject(b -> b.bucket(BUCKET).key(prefix + "a/b.bin")).contentLength())
                .as("stored under the location's prefix").isEqualTo(data.length);
    }

    @Test
    @DisplayName("an object larger than a part goes up as a parallel multipart upload and reads back identical")
    void multipartRoundTrip() throws IOException {
        byte[] data = random(3 * 5 * 1024 * 1024 + 12345, 2);
        S3ObjectWriter w = (S3ObjectWriter) target.newWriter("big.bin", WriteOptions.createNew());
        try (w) {
            for (int off = 0; off < data.length; off += 7919) { // odd-sized writes cross part boundaries
                w.write(data, off, Math.min(7919, data.length - off));
            }
            w.commit();
        }
        assertThat(read(target.get("big.bin"))).isEqualTo(data);
        assertThat(w.allocatedBufferBytes()).as("buffers bounded by partSize x concurrency")
                .isLessThanOrEqualTo(3 * S3Settings.MIN_PART_SIZE);
        assertThat(openUploads()).isZero();
        byte[] across = read(target.get("big.bin", ByteRange.of(5 * 1024 * 1024 - 10, 20)));
        assertThat(across).as("range across a part boundary")
                .isEqualTo(java.util.Arrays.copyOfRange(data, 5 * 1024 * 1024 - 10, 5 * 1024 * 1024 + 10));
    }

    @Test
    @DisplayName("a download whose connection breaks mid-stream resumes with Range + If-Match and returns identical bytes")
    void resumesBrokenDownload() throws IOException {
        byte[] data = random(3 * 1024 * 1024, 9);
        target.put("resume.bin", new ByteArrayInputStream(data), WriteOptions.createNew());
        List<String> gets = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger broken = new AtomicInteger();
        ExecutionInterceptor breakFirstGet = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (context.request() instanceof software.amazon.awssdk.services.s3.model.GetObjectRequest) {
                    gets.add(context.httpRequest().firstMatchingHeader("Range").orElse("-") + " "
                            + context.httpRequest().firstMatchingHeader("If-Match").orElse("-"));
                }
            }

            @Override
            public java.util.Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                                              ExecutionAttributes attributes) {
                if (context.request() instanceof software.amazon.awssdk.services.s3.model.GetObjectRequest g
                        && g.ifMatch() == null && broken.getAndIncrement() == 0) {
                    return context.responseBody().map(body -> new java.io.FilterInputStream(body) {
                        long left = 1_000_000;

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            if (left <= 0) {
                                throw new java.net.SocketException("Connection reset (injected)");
                            }
                            int n = super.read(b, off, (int) Math.min(len, left));
                            left -= Math.max(n, 0);
                            return n;
                        }
                    });
                }
                return context.responseBody();
            }
        };
        try (S3BackupTarget flaky = server.target(BUCKET, prefix).addInterceptor(breakFirstGet).build()) {
            assertThat(read(flaky.get("resume.bin"))).isEqualTo(data);
            assertThat(read(flaky.get("resume.bin", ByteRange.of(100, 2_000_000))))
                    .isEqualTo(java.util.Arrays.copyOfRange(data, 100, 2_000_100));
        }
        assertThat(broken.get()).isGreaterThanOrEqualTo(1);
        assertThat(gets).hasSize(3);
        assertThat(gets.get(1)).startsWith("bytes=1000000-" + (data.length - 1)).doesNotEndWith(" -");
    }

    /** Loses the first response of the given request type: the store did the work, the client sees a 500. */
    static final class LoseFirstResponse implements ExecutionInterceptor {
        final Class<?> type;
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger sent = new AtomicInteger();

        LoseFirstResponse(Class<?> type) {
            this.type = type;
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (type.isInstance(context.request())) {
                sent.incrementAndGet();
            }
        }

        @Override
        public software.amazon.awssdk.http.SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context,
                                                                              ExecutionAttributes attributes) {
            if (type.isInstance(context.request()) && context.httpResponse().isSuccessful()
                    && lost.getAndIncrement() == 0) {
                return context.httpResponse().toBuilder().statusCode(500).build();
            }
            return context.httpResponse();
        }
    }

    @Nested
    @DisplayName("retries")
    class Retries {
        @Test
        @DisplayName("a 5xx is retried; a create-only PUT whose first success was lost is recognised as ours by its ETag")
        void lostPutResponse() throws IOException {
            LoseFirstResponse lose = new LoseFirstResponse(software.amazon.awssdk.services.s3.model.PutObjectRequest.class);
            byte[] data = random(50_000, 11);
            try (S3BackupTarget t = server.target(BUCKET, prefix).addInterceptor(lose).build()) {
                ObjectInfo info = t.put("lost-response", new ByteArrayInputStream(data), WriteOptions.createNew());
                assertThat(info.size()).isEqualTo(data.length);
            }
            assertThat(lose.sent.get()).as("sent twice: the retry met its own object (412)").isEqualTo(2);
            assertThat(read(target.get("lost-response"))).isEqualTo(data);
            assertThatThrownBy(() -> target.put("lost-response", new ByteArrayInputStream(data), WriteOptions.createNew()))
                    .as("without a retry, an existing object is still refused").isInstanceOf(ObjectAlreadyExistsException.class);
        }

        @Test
        @DisplayName("a CompleteMultipartUpload whose first success was lost is recognised as ours")
        void lostCompleteResponse() throws IOException {
            LoseFirstResponse lose = new LoseFirstResponse(
                    software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest.class);
            byte[] data = random((int) S3Settings.MIN_PART_SIZE + 1000, 12);
            try (S3BackupTarget t = server.target(BUCKET, prefix).addInterceptor(lose).build()) {
                t.put("lost-complete", new ByteArrayInputStream(data), WriteOptions.createNew());
            }
            assertThat(lose.sent.get()).isEqualTo(2);
            assertThat(read(target.get("lost-complete"))).isEqualTo(data);
            assertThat(openUploads()).isZero();
        }

        @Test
        @DisplayName("a GET answered 500 once is retried transparently")
        void getRetried() throws IOException {
            target.put("g", new ByteArrayInputStream(new byte[] {4, 2}), WriteOptions.createNew());
            LoseFirstResponse lose = new LoseFirstResponse(software.amazon.awssdk.services.s3.model.GetObjectRequest.class);
            try (S3BackupTarget t = server.target(BUCKET, prefix).addInterceptor(lose).build()) {
                assertThat(read(t.get("g"))).containsExactly(4, 2);
            }
            assertThat(lose.sent.get()).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("conditional create, S3 specifics")
    class S3ConditionalCreate {
        @Test
        @DisplayName("a create-only multipart upload on an existing key fails at completion and leaves no parts")
        void multipart() throws IOException {
            byte[] first = random(1000, 4);
            target.put("k", new ByteArrayInputStream(first), WriteOptions.createNew());
            byte[] big = random((int) S3Settings.MIN_PART_SIZE * 2 + 10, 5);

            assertThatThrownBy(() -> target.put("k", new ByteArrayInputStream(big), WriteOptions.createNew()))
                    .isInstanceOf(ObjectAlreadyExistsException.class);
            assertThat(read(target.get("k"))).isEqualTo(first);
            assertThat(openUploads()).isZero();
        }

    }

    @Nested
    @DisplayName("aborted and failed multipart uploads")
    class S3Aborts {
        @Test
        @DisplayName("closing a writer without commit after parts were uploaded leaves no parts and no object")
        void abortLeavesNothing() throws IOException {
            byte[] data = random((int) S3Settings.MIN_PART_SIZE * 2 + 100, 6);
            try (ObjectWriter w = target.newWriter("aborted", WriteOptions.createNew())) {
                w.write(data);
                assertThat(openUploads()).as("a multipart upload is in progress").isEqualTo(1);
            }
            assertThat(openUploads()).isZero();
            assertThat(target.exists("aborted")).isFalse();
        }

        @Test
        @DisplayName("a part upload that fails aborts the whole upload: the caller sees the error, no parts remain")
        void failedPartAborts() {
            AtomicInteger parts = new AtomicInteger();
            ExecutionInterceptor failThirdPart = new ExecutionInterceptor() {
                @Override
                public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                    if (context.request() instanceof UploadPartRequest r && r.partNumber() == 3) {
                        parts.incrementAndGet();
                        throw new IllegalStateException("injected failure of part 3");
                    }
                }
            };
            try (S3BackupTarget failing = server.target(BUCKET, prefix).addInterceptor(failThirdPart).build()) {
                byte[] data = random((int) S3Settings.MIN_PART_SIZE * 5, 7);
                assertThatThrownBy(() -> failing.put("failed", new ByteArrayInputStream(data), WriteOptions.createNew()))
                        .isInstanceOf(StorageException.class).hasStackTraceContaining("injected failure of part 3");
            }
            assertThat(parts.get()).isEqualTo(1);
            assertThat(openUploads()).isZero();
            assertThat(target.exists("failed")).isFalse();
        }
    }

    @Test
    @DisplayName("a retainUntil the store cannot honour is refused with a clear error, not ignored")
    void retentionRefused() {
        assertThatThrownBy(() -> target.put("locked", new ByteArrayInputStream(new byte[1]),
                WriteOptions.createNew().withRetainUntil(Instant.now().plusSeconds(3600))))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("does not implement S3 Object Lock")
                .hasMessageContaining("Nothing was written");
        assertThat(target.exists("locked")).as("nothing written").isFalse();
        assertThat(target.capabilities()).as("If-None-Match was not the problem")
                .contains(Capability.CONDITIONAL_CREATE);
    }

    /** Makes s3proxy answer 501 to create-only writes, like stores without conditional writes do. */
    static final class NoConditionalWrites implements ExecutionInterceptor {
        @Override
        public software.amazon.awssdk.http.SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context,
                                                                            ExecutionAttributes attributes) {
            var req = context.httpRequest();
            if (req.firstMatchingHeader("If-None-Match").isPresent()) {
                return req.toBuilder().removeHeader("If-None-Match").putHeader("x-amz-if-none-match-unsupported", "*")
                        .build();
            }
            return req;
        }
    }

    @Nested
    @DisplayName("a store without conditional writes (501 to If-None-Match)")
    class WithoutConditionalWrites {
        @Test
        @DisplayName("auto: detected, the capability is dropped, create-only falls back to check-then-write")
        void auto() throws IOException {
            try (S3BackupTarget t = server.target(BUCKET, prefix).addInterceptor(new NoConditionalWrites()).build()) {
                assertThat(t.capabilities()).contains(Capability.CONDITIONAL_CREATE);
                t.put("c", new ByteArrayInputStream(new byte[] {1}), WriteOptions.createNew());
                assertThat(t.capabilities()).doesNotContain(Capability.CONDITIONAL_CREATE);
                assertThatThrownBy(() -> t.put("c", new ByteArrayInputStream(new byte[] {2}), WriteOptions.createNew()))
                        .isInstanceOf(ObjectAlreadyExistsException.class);
                assertThat(read(t.get("c"))).containsExactly(1);
                StorageSelfTest.Report r = StorageSelfTest.run(t);
                assertThat(r.passed()).as(r.summary()).isTrue();
                assertThat(r.observed()).doesNotContain(Capability.CONDITIONAL_CREATE);
            }
        }

        @Test
        @DisplayName("required: the write fails with a clear error and nothing is written")
        void required() {
            try (S3BackupTarget t = server.target(BUCKET, prefix).addInterceptor(new NoConditionalWrites())
                    .conditionalWrites(S3Settings.ConditionalWrites.REQUIRED).build()) {
                assertThatThrownBy(() -> t.put("c", new ByteArrayInputStream(new byte[] {1}), WriteOptions.createNew()))
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining("conditional-writes=required").hasMessageContaining("Nothing was written");
                assertThat(t.exists("c")).isFalse();
            }
        }
    }

    @Test
    @DisplayName("the self-test passes against s3proxy and confirms conditional create, ranges and listing")
    void selfTest() {
        StorageSelfTest.Report r = StorageSelfTest.run(target);
        System.out.println(r.summary());
        assertThat(r.passed()).as(r.summary()).isTrue();
        assertThat(r.observed()).contains(Capability.CONDITIONAL_CREATE, Capability.RANGED_READ);
        assertThat(target.listAll("")).isEmpty();
    }

    @Nested
    @DisplayName("bad input gets a clear error")
    class ClearErrors {
        @Test
        @DisplayName("a missing bucket is named")
        void missingBucket() {
            assertThatThrownBy(() -> server.target("no-such-bucket", "x").build())
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("'no-such-bucket' does not exist").hasMessageContaining("Create the bucket");
        }

        @Test
        @DisplayName("a wrong secret is access denied, and the secret is not in the message")
        void wrongSecret() {
            assertThatThrownBy(() -> server.target(BUCKET, "x")
                    .credentials(S3ProxyServer.ACCESS_KEY, Secret.of("wrong-secret-value"), null).build())
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining(BUCKET)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-secret-value")
                            .doesNotContain(S3ProxyServer.SECRET_KEY));
        }

        @Test
        @DisplayName("an unknown access key is access denied")
        void unknownKey() {
            assertThatThrownBy(() -> server.target(BUCKET, "x").credentials("nobody", Secret.of("x"), null).build())
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("Access denied");
        }

        @Test
        @DisplayName("an endpoint where nothing listens names the endpoint and the setting")
        void unreachableEndpoint() throws IOException {
            int port;
            try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            int closed = port;
            assertThatThrownBy(() -> server.target(BUCKET, "x").endpoint(URI.create("http://127.0.0.1:" + closed)).build())
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("Cannot reach the S3 endpoint http://127.0.0.1:" + closed)
                    .hasMessageContaining("dr.storage.s3.endpoint");
        }
    }

    @Test
    @DisplayName("BackupTargets opens s3:// through the provider with dr.storage.s3.* settings")
    void openThroughProvider() throws IOException {
        ProviderConfig config = ProviderConfig.of(Map.of(
                "dr.storage.s3.endpoint", server.endpoint().toString(),
                "dr.storage.s3.path-style", "true",
                "dr.storage.s3.region", "us-east-1",
                "dr.storage.s3.access-key-id", S3ProxyServer.ACCESS_KEY,
                "dr.storage.s3.secret-access-key", S3ProxyServer.SECRET_KEY,
                "dr.storage.s3.part-size", "5MiB",
                "dr.storage.s3.checksum", "when_required"));
        try (BackupTarget t = BackupTargets.open(URI.create("s3://" + BUCKET + "/" + prefix + "via-provider"), config)) {
            assertThat(t).isInstanceOf(S3BackupTarget.class);
            t.put("hello", new ByteArrayInputStream("hi".getBytes(StandardCharsets.UTF_8)), WriteOptions.createNew());
            assertThat(read(target.get("via-provider/hello"))).asString(StandardCharsets.UTF_8).isEqualTo("hi");
            assertThat(((S3BackupTarget) t).settings().checksumWhenRequired()).isTrue();
            assertThat(t.toString()).doesNotContain(S3ProxyServer.SECRET_KEY);
        }
    }
}
