package io.dr4j.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.ByteRange;
import io.dr4j.core.storage.Capability;
import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectNotFoundException;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.StorageSelfTest;
import io.dr4j.core.storage.WriteOptions;
import io.dr4j.tck.BackupTargetContractTest;
import io.dr4j.tck.KitCapabilities;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;

/**
 * The GCS target against google-cloud-nio's in-memory {@code LocalStorageHelper} (a fake StorageRpc, no server).
 *
 * <p>Cases the fake cannot support, and why (they run in {@link GcsRealIT} against a real endpoint):
 * <ul>
 *   <li><b>Pagination with small pages</b>: the fake truncates to {@code pageSize} objects taken in hash order and
 *       never returns a next-page token, so page 2 is unreachable. Listings here stay under one page.</li>
 *   <li><b>Create-only for single-request uploads</b>: the fake's {@code create} ignores the {@code ifGenerationMatch=0}
 *       precondition, so a small create-only write over an existing object succeeds there. (Resumable uploads are
 *       checked by the fake when the session opens, which is tested.) The self-test run here shows exactly this.</li>
 *   <li><b>Aborted resumable upload leaves nothing</b>: the fake registers the object's metadata when the session
 *       opens, so an abandoned large upload shows up as an empty object. Real GCS creates nothing until the final
 *       chunk.</li>
 *   <li><b>Bucket existence, IAM, retention enforcement, CMEK</b>: the fake has no buckets, permissions, retention
 *       or keys. Retention and holds are checked on the metadata the target sends.</li>
 * </ul>
 */
@ExtendWith(FakeLimits.class)
class GcsBackupTargetContractTest extends BackupTargetContractTest {
    static final String BUCKET = "dr4j-test";

    Storage storage;
    GcsBackupTarget gcs;

    @Override
    protected BackupTarget createTarget() {
        storage = LocalStorageHelper.customOptions(false).getService();
        gcs = GcsBackupTarget.builder().location(BUCKET, "repo").storage(storage).chunkSize(256 * 1024).build();
        return new WithoutCapabilities(gcs, capabilities().lacking().keySet());
    }

    /** What the fake cannot do (see the class comment); the target itself claims these on real GCS. */
    @Override
    protected KitCapabilities capabilities() {
        return KitCapabilities.all().without(Capability.CONDITIONAL_CREATE, "LocalStorageHelper ignores "
                + "ifGenerationMatch=0 on single-request uploads (resumable ones are checked, see "
                + "conditionalCreateResumable)");
    }

    /**
     * The fake copies the whole object on every resumable chunk (quadratic) and keeps it in this JVM's heap; the
     * 200 MB round trip runs in GcsRealIT.
     */
    @Override
    protected long largeObjectSize() {
        return 4L * 1024 * 1024;
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

    @Test
    @DisplayName("an object that was put can be read back byte-for-byte, with size and metadata, under the prefix")
    void roundTrip() throws IOException {
        byte[] data = random(10_000, 1);
        target.put("a/b.bin", new ByteArrayInputStream(data), WriteOptions.createNew().withMetadata(Map.of("k", "v")));
        assertThat(read(target.get("a/b.bin"))).isEqualTo(data);
        ObjectInfo info = target.stat("a/b.bin").orElseThrow();
        assertThat(info.size()).isEqualTo(data.length);
        assertThat(info.metadata()).containsEntry("k", "v");
        assertThat(storage.get(BlobId.of(BUCKET, "repo/a/b.bin"))).as("stored under the prefix").isNotNull();
    }

    @Test
    @DisplayName("a large object goes up through the resumable WriteChannel in chunks and reads back identical")
    void resumableRoundTrip() throws IOException {
        byte[] data = random(3 * 256 * 1024 + 999, 2);
        try (ObjectWriter w = target.newWriter("big.bin", WriteOptions.createNew())) {
            for (int off = 0; off < data.length; off += 10_007) {
                w.write(data, off, Math.min(10_007, data.length - off));
            }
            assertThat(target.exists("big.bin") && target.stat("big.bin").orElseThrow().size() == data.length)
                    .as("not complete before commit").isFalse();
            w.commit();
        }
        assertThat(read(target.get("big.bin"))).isEqualTo(data);
        assertThat(target.stat("big.bin").orElseThrow().size()).isEqualTo(data.length);
    }

    @Nested
    @DisplayName("ranged reads through ReadChannel seek/limit")
    class ChunkedRanges {
        final byte[] data = random(600_000, 3);

        @BeforeEach
        void put() {
            target.put("r", new ByteArrayInputStream(data), WriteOptions.createNew());
        }

        @Test
        @DisplayName("bounded, open-ended, beyond-the-end and empty ranges")
        void ranges() throws IOException {
            assertThat(read(target.get("r", ByteRange.of(100, 50)))).isEqualTo(Arrays.copyOfRange(data, 100, 150));
            assertThat(read(target.get("r", ByteRange.of(262_000, 1_000))))
                    .as("across a chunk").isEqualTo(Arrays.copyOfRange(data, 262_000, 263_000));
            assertThat(read(target.get("r", ByteRange.from(599_990)))).isEqualTo(Arrays.copyOfRange(data, 599_990, 600_000));
            assertThat(read(target.get("r", ByteRange.of(599_995, 100)))).isEqualTo(Arrays.copyOfRange(data, 599_995, 600_000));
            assertThat(read(target.get("r", ByteRange.from(700_000)))).isEmpty();
            assertThat(read(target.get("r", ByteRange.of(10, 0)))).isEmpty();
        }

        @Test
        @DisplayName("a range of a missing object fails with ObjectNotFoundException")
        void missing() {
            assertThatThrownBy(() -> target.get("nope", ByteRange.of(0, 10))).isInstanceOf(ObjectNotFoundException.class);
        }
    }

    @Test
    @DisplayName("a create-only resumable upload over an existing key fails and leaves the object unchanged")
    void conditionalCreateResumable() throws IOException {
        byte[] first = "first".getBytes(StandardCharsets.UTF_8);
        target.put("k", new ByteArrayInputStream(first), WriteOptions.createNew());
        byte[] big = random(600_000, 4);
        assertThatThrownBy(() -> target.put("k", new ByteArrayInputStream(big), WriteOptions.createNew()))
                .isInstanceOf(ObjectAlreadyExistsException.class);
        assertThat(read(target.get("k"))).isEqualTo(first);
    }

    @Test
    @DisplayName("listing within one page: sorted keys of the prefix only; listChildren by delimiter")
    void singlePageListing() {
        for (String k : List.of("a/x/1", "a/x/2", "a/y/2", "a/z", "b", "c/0")) {
            target.put(k, new ByteArrayInputStream(new byte[1]), WriteOptions.createNew());
        }
        storage.create(BlobInfo.newBuilder(BUCKET, "other-prefix/zz").build(), new byte[1]);
        assertThat(target.list("a/", null, 100).objects()).extracting(ObjectInfo::key)
                .containsExactly("a/x/1", "a/x/2", "a/y/2", "a/z");
        assertThat(target.list("a/", null, 100).nextToken()).isNull();
        assertThat(target.listAll("").map(ObjectInfo::key)).containsExactly("a/x/1", "a/x/2", "a/y/2", "a/z", "b", "c/0");
        assertThat(target.listChildren("a/")).containsExactly("x", "y", "z");
        assertThat(target.listChildren("")).containsExactly("a", "b", "c");
        assertThat(target.list("a/", null, 2).objects()).as("never more than pageSize").hasSizeLessThanOrEqualTo(2);
    }

    @Test
    @DisplayName("WriteOptions.retainUntil and configured retention/hold become object retention metadata")
    void retentionMetadata() {
        Instant until = Instant.parse("2027-03-01T00:00:00Z");
        target.put("locked", new ByteArrayInputStream(new byte[] {1}), WriteOptions.createNew().withRetainUntil(until));
        Blob blob = storage.get(BlobId.of(BUCKET, "repo/locked"));
        assertThat(blob.getRetention().getMode()).isEqualTo(BlobInfo.Retention.Mode.UNLOCKED);
        assertThat(blob.getRetention().getRetainUntilTime().toInstant()).isEqualTo(until);
        assertThat(target.stat("locked").orElseThrow().retainUntil()).isEqualTo(until);

        try (GcsBackupTarget locked = GcsBackupTarget.builder().location(BUCKET, "locked").storage(storage)
                .retention(GcsSettings.RetentionMode.LOCKED, Duration.ofDays(35)).eventBasedHold(true)
                .verifyOnOpen(false).build()) {
            Instant before = Instant.now();
            locked.put("wal/1", new ByteArrayInputStream(new byte[] {1}), WriteOptions.createNew());
            Blob b = storage.get(BlobId.of(BUCKET, "locked/wal/1"));
            assertThat(b.getRetention().getMode()).isEqualTo(BlobInfo.Retention.Mode.LOCKED);
            assertThat(b.getRetention().getRetainUntilTime().toInstant())
                    .isBetween(before.plus(Duration.ofDays(35)).truncatedTo(ChronoUnit.SECONDS),
                            Instant.now().plus(Duration.ofDays(35)));
            assertThat(b.getEventBasedHold()).isTrue();
            assertThat(locked.capabilities()).as("not verified against the bucket").doesNotContain(Capability.IMMUTABILITY);
        }
    }

    @Test
    @DisplayName("verify-on-open with a retention mode needs a bucket with object retention (the fake has no buckets)")
    void retentionNeedsBucket() {
        assertThatThrownBy(() -> GcsBackupTarget.builder().location(BUCKET, "x").storage(storage)
                .retention(GcsSettings.RetentionMode.UNLOCKED, Duration.ofDays(1)).build())
                .isInstanceOf(io.dr4j.core.storage.StorageException.class)
                .hasMessageContaining("'" + BUCKET + "' does not exist");
    }

    @Test
    @DisplayName("the self-test runs on the fake and exposes that single-request create-only is not enforced there")
    void selfTestOnFake() {
        StorageSelfTest.Report r = StorageSelfTest.run(gcs);
        System.out.println(r.summary());
        assertThat(r.check("put").orElseThrow().outcome()).isEqualTo(StorageSelfTest.Outcome.PASSED);
        assertThat(r.check("get").orElseThrow().outcome()).isEqualTo(StorageSelfTest.Outcome.PASSED);
        assertThat(r.check("ranged-get").orElseThrow().outcome()).isEqualTo(StorageSelfTest.Outcome.PASSED);
        assertThat(r.check("delete").orElseThrow().outcome()).isEqualTo(StorageSelfTest.Outcome.PASSED);
        assertThat(r.check("conditional-create").orElseThrow().outcome()).as("fake ignores ifGenerationMatch on create")
                .isEqualTo(StorageSelfTest.Outcome.FAILED);
        assertThat(r.check("list").orElseThrow().outcome()).as("fake pagination never yields page 2")
                .isEqualTo(StorageSelfTest.Outcome.FAILED);
        assertThat(r.claimedButNotObserved()).contains(Capability.CONDITIONAL_CREATE);
    }
}
