package io.dr4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.ByteRange;
import io.dr4j.core.storage.Capability;
import io.dr4j.core.storage.InvalidKeyException;
import io.dr4j.core.storage.ListPage;
import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.ObjectNotFoundException;
import io.dr4j.core.storage.ObjectWriter;
import io.dr4j.core.storage.WriteOptions;
import io.dr4j.tck.fixtures.RandomPayloads;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link BackupTarget} keeps. A plugin extends this class in its tests and supplies a fresh,
 * empty target per test:
 *
 * <pre>{@code
 * class S3BackupTargetContractIT extends BackupTargetContractTest {
 *     protected BackupTarget createTarget() { return S3BackupTarget.builder()...prefix(uniquePrefix()).build(); }
 * }
 * }</pre>
 *
 * Stores that cannot do something declare it in {@link #capabilities()} with the reason; the kit then skips the
 * tests that need it, and checks that the target does not claim the capability either.
 */
public abstract class BackupTargetContractTest {
    /** Size of the large round trip: 200 MB, streamed from a generator and hashed on both sides. */
    protected static final long LARGE = 200L * 1024 * 1024;

    protected BackupTarget target;

    /** A new target over an empty namespace (a fresh directory, bucket prefix...). */
    protected abstract BackupTarget createTarget();

    /**
     * What this store can do: {@link KitCapabilities#all()} by default; a store that cannot do something declares
     * it with the reason, e.g. {@code KitCapabilities.all().without(CONDITIONAL_CREATE, "the emulator ignores
     * If-None-Match")}. The kit skips the tests that need it.
     */
    protected KitCapabilities capabilities() {
        return KitCapabilities.all();
    }

    /** Size of the large-object round trip; stores with slow test backends may lower it (and say why). */
    protected long largeObjectSize() {
        return LARGE;
    }

    @BeforeEach
    void createTheTarget() {
        target = createTarget();
    }

    @AfterEach
    void closeTheTarget() {
        if (target != null) {
            target.close();
        }
    }

    /** Skips the calling test when the store declared that it lacks {@code capability}. */
    protected void requires(Capability capability) {
        String reason = capabilities().whyLacking(capability).orElse(null);
        Assumptions.assumeTrue(reason == null, () -> "store lacks " + capability + ": " + reason);
    }

    protected ObjectInfo put(String key, byte[] data) {
        return target.put(key, new ByteArrayInputStream(data), WriteOptions.createNew());
    }

    protected byte[] read(String key) {
        try (InputStream in = target.get(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError("reading " + key + " failed", e);
        }
    }

    protected byte[] read(String key, ByteRange range) {
        try (InputStream in = target.get(key, range)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError("reading " + key + " " + range + " failed", e);
        }
    }

    protected static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected List<String> keysOf(String prefix) {
        try (Stream<ObjectInfo> s = target.listAll(prefix)) {
            return s.map(ObjectInfo::key).toList();
        }
    }

    @Test
    @DisplayName("declared capabilities do not claim what the store says it lacks")
    void capabilitiesAreConsistent() {
        assertThat(capabilities().lacking().keySet()).as("capabilities declared lacking")
                .noneMatch(target.capabilities()::contains);
        assertThat(target.location()).as("location").isNotNull();
    }

    @Nested
    @DisplayName("round trip")
    class RoundTrip {
        @Test
        @DisplayName("an empty object is stored and read back as zero bytes")
        void emptyObject() {
            ObjectInfo info = put("rt/empty", new byte[0]);
            assertThat(info.key()).isEqualTo("rt/empty");
            assertThat(info.size()).isZero();
            assertThat(read("rt/empty")).isEmpty();
            assertThat(target.stat("rt/empty")).get().extracting(ObjectInfo::size).isEqualTo(0L);
        }

        @Test
        @DisplayName("an object that was put is read back byte for byte, and stat reports its size")
        void smallObject() {
            byte[] data = RandomPayloads.bytes(1, 100_003);
            ObjectInfo info = put("rt/small.bin", data);
            assertThat(info.size()).isEqualTo(data.length);
            assertThat(read("rt/small.bin")).isEqualTo(data);
            assertThat(target.exists("rt/small.bin")).isTrue();
            assertThat(target.stat("rt/small.bin")).get().satisfies(s -> {
                assertThat(s.key()).isEqualTo("rt/small.bin");
                assertThat(s.size()).isEqualTo(data.length);
            });
        }

        @Test
        @DisplayName("a large object streams through the writer and back with the same SHA-256, never held in memory")
        void largeObjectStreams() throws IOException {
            long size = largeObjectSize();
            String written;
            ObjectInfo info;
            try (ObjectWriter w = target.newWriter("rt/large.bin", WriteOptions.createNew().withSizeHint(size))) {
                written = RandomPayloads.writeTo(w, 42, size);
                info = w.commit();
            }
            assertThat(written).isEqualTo(RandomPayloads.sha256(42, size));
            assertThat(info.size()).isEqualTo(size);
            try (InputStream in = target.get("rt/large.bin")) {
                assertThat(RandomPayloads.sha256(in)).as("SHA-256 read back").isEqualTo(written);
            }
        }

        @Test
        @DisplayName("single-byte writes and reads give the same bytes as bulk ones")
        void singleBytes() throws IOException {
            try (ObjectWriter w = target.newWriter("rt/bytes", WriteOptions.createNew())) {
                for (byte b : utf8("hello")) {
                    w.write(b);
                }
                w.commit();
            }
            try (InputStream in = target.get("rt/bytes")) {
                assertThat(in.read()).isEqualTo('h');
                assertThat(in.readAllBytes()).isEqualTo(utf8("ello"));
                assertThat(in.read()).isEqualTo(-1);
            }
        }

        @Test
        @DisplayName("an object is invisible until commit returns")
        void invisibleUntilCommit() throws IOException {
            try (ObjectWriter w = target.newWriter("rt/pending", WriteOptions.createNew())) {
                w.write(utf8("not yet"));
                assertThat(target.exists("rt/pending")).isFalse();
                assertThat(keysOf("rt/")).doesNotContain("rt/pending");
                w.commit();
            }
            assertThat(read("rt/pending")).isEqualTo(utf8("not yet"));
        }
    }

    @Nested
    @DisplayName("ranged reads")
    class RangedReads {
        private final byte[] data = RandomPayloads.bytes(7, 10_000);

        @BeforeEach
        void store() {
            put("range/obj", data);
        }

        @Test
        @DisplayName("a range inside the object returns exactly those bytes")
        void inside() {
            assertThat(read("range/obj", ByteRange.of(1234, 4321))).isEqualTo(Arrays.copyOfRange(data, 1234, 5555));
        }

        @Test
        @DisplayName("an open-ended range returns the rest of the object")
        void openEnded() {
            assertThat(read("range/obj", ByteRange.from(9000))).isEqualTo(Arrays.copyOfRange(data, 9000, 10_000));
        }

        @Test
        @DisplayName("a range crossing the end returns the bytes that exist")
        void crossingTheEnd() {
            assertThat(read("range/obj", ByteRange.of(9990, 100))).isEqualTo(Arrays.copyOfRange(data, 9990, 10_000));
        }

        @Test
        @DisplayName("a range starting at or past the end returns no bytes")
        void pastTheEnd() {
            assertThat(read("range/obj", ByteRange.from(10_000))).isEmpty();
            assertThat(read("range/obj", ByteRange.of(20_000, 10))).isEmpty();
        }

        @Test
        @DisplayName("a zero-length range returns no bytes, the first byte alone is one byte")
        void tinyRanges() {
            assertThat(read("range/obj", ByteRange.of(5, 0))).isEmpty();
            assertThat(read("range/obj", ByteRange.of(0, 1))).containsExactly(data[0]);
        }
    }

    @Nested
    @DisplayName("listing")
    class Listing {
        private final List<String> keys = List.of("list/a/1", "list/a/2", "list/a/sub/3", "list/ab/4", "list/b",
                "list/c/5", "list/c/6", "other/7");

        @BeforeEach
        void store() {
            for (String k : keys) {
                put(k, utf8(k));
            }
        }

        @Test
        @DisplayName("lists every object under a prefix in lexicographic order, with sizes")
        void byPrefix() {
            try (Stream<ObjectInfo> s = target.listAll("list/")) {
                List<ObjectInfo> all = s.toList();
                assertThat(all).extracting(ObjectInfo::key).containsExactly("list/a/1", "list/a/2", "list/a/sub/3",
                        "list/ab/4", "list/b", "list/c/5", "list/c/6");
                assertThat(all).allSatisfy(o -> assertThat(o.size()).isEqualTo(utf8(o.key()).length));
            }
        }

        @Test
        @DisplayName("a prefix matches key prefixes, not only directories: 'list/a' includes 'list/ab/4'")
        void prefixIsNotADirectory() {
            assertThat(keysOf("list/a")).containsExactly("list/a/1", "list/a/2", "list/a/sub/3", "list/ab/4");
            assertThat(keysOf("list/a/")).containsExactly("list/a/1", "list/a/2", "list/a/sub/3");
        }

        @Test
        @DisplayName("the empty prefix lists everything; an unknown prefix lists nothing")
        void emptyAndUnknown() {
            assertThat(keysOf("")).containsExactlyElementsOf(keys.stream().sorted().toList());
            assertThat(keysOf("nothing/")).isEmpty();
            assertThat(target.list("nothing/", null, 10).objects()).isEmpty();
            assertThat(target.list("nothing/", null, 10).nextToken()).isNull();
        }

        @ParameterizedTest(name = "page size {0}")
        @ValueSource(ints = {1, 2, 3, 7, 100})
        @DisplayName("pages of any size concatenate to the full listing without gaps or duplicates")
        void pagination(int pageSize) {
            List<String> seen = new ArrayList<>();
            String token = null;
            int pages = 0;
            do {
                ListPage page = target.list("list/", token, pageSize);
                assertThat(page.objects().size()).isLessThanOrEqualTo(pageSize);
                page.objects().forEach(o -> seen.add(o.key()));
                token = page.nextToken();
                assertThat(++pages).as("pages").isLessThan(100);
                if (token != null) {
                    assertThat(page.objects()).as("a page with a next token is not empty").isNotEmpty();
                }
            } while (token != null);
            assertThat(seen).containsExactly("list/a/1", "list/a/2", "list/a/sub/3", "list/ab/4", "list/b",
                    "list/c/5", "list/c/6");
        }

        @Test
        @DisplayName("listChildren returns the distinct names one level below a prefix, sorted")
        void children() {
            assertThat(target.listChildren("list/")).containsExactly("a", "ab", "b", "c");
            assertThat(target.listChildren("list/a/")).containsExactly("1", "2", "sub");
            assertThat(target.listChildren("")).containsExactly("list", "other");
            assertThat(target.listChildren("nothing/")).isEmpty();
        }

        @Test
        @DisplayName("deleted objects disappear from listings")
        void deletedDisappear() {
            target.delete("list/a/2");
            assertThat(keysOf("list/a/")).containsExactly("list/a/1", "list/a/sub/3");
        }
    }

    @Nested
    @DisplayName("missing objects")
    class Missing {
        @Test
        @DisplayName("reading a missing key fails with ObjectNotFoundException naming the key, never null")
        void getMissing() {
            Throwable t = catchThrowable(() -> target.get("missing/x").close());
            assertThat(t).isInstanceOf(ObjectNotFoundException.class).hasMessageContaining("missing/x");
            assertThat(((ObjectNotFoundException) t).key()).isEqualTo("missing/x");
        }

        @Test
        @DisplayName("a ranged read of a missing key fails with ObjectNotFoundException")
        void rangedMissing() {
            assertThatThrownBy(() -> target.get("missing/y", ByteRange.of(0, 10)).close())
                    .isInstanceOf(ObjectNotFoundException.class);
        }

        @Test
        @DisplayName("stat of a missing key is empty and exists is false")
        void statMissing() {
            assertThat(target.stat("missing/z")).isEqualTo(Optional.empty());
            assertThat(target.exists("missing/z")).isFalse();
        }

        @Test
        @DisplayName("a key below an existing object's key ('obj/x' when 'obj' exists) is missing, not an error")
        void belowAnObject() {
            put("leaf", utf8("x"));
            assertThatThrownBy(() -> target.get("leaf/x").close()).isInstanceOf(ObjectNotFoundException.class);
            assertThat(target.stat("leaf/x")).isEmpty();
            target.delete("leaf/x");
            assertThat(read("leaf")).isEqualTo(utf8("x"));
        }

        @Test
        @DisplayName("a key prefix of an existing object is not an object")
        void prefixIsNotAnObject() {
            put("dir/file", utf8("x"));
            assertThat(target.exists("dir")).isFalse();
            assertThatThrownBy(() -> target.get("dir").close()).isInstanceOf(ObjectNotFoundException.class);
        }
    }

    @Nested
    @DisplayName("conditional create")
    class ConditionalCreate {
        @Test
        @DisplayName("a create-only write of an existing key is refused and leaves the original intact")
        void refusesOverwrite() {
            requires(Capability.CONDITIONAL_CREATE);
            put("cc/obj", utf8("original"));
            Throwable t = catchThrowable(() -> put("cc/obj", utf8("replacement")));
            assertThat(t).isInstanceOf(ObjectAlreadyExistsException.class).hasMessageContaining("cc/obj");
            assertThat(read("cc/obj")).isEqualTo(utf8("original"));
        }

        @Test
        @DisplayName("when two create-only writers race for one key, exactly one wins and its bytes are stored")
        void racingWriters() throws Exception {
            requires(Capability.CONDITIONAL_CREATE);
            ObjectWriter first = target.newWriter("cc/race", WriteOptions.createNew());
            ObjectWriter second = target.newWriter("cc/race", WriteOptions.createNew());
            first.write(utf8("first"));
            second.write(utf8("second"));
            first.commit();
            assertThatThrownBy(second::commit).isInstanceOf(ObjectAlreadyExistsException.class);
            second.close();
            first.close();
            assertThat(read("cc/race")).isEqualTo(utf8("first"));
        }

        @Test
        @DisplayName("a replacing write overwrites an existing object")
        void replaceExisting() {
            put("cc/mutable", utf8("v1"));
            target.put("cc/mutable", new ByteArrayInputStream(utf8("version 2")), WriteOptions.replaceExisting());
            assertThat(read("cc/mutable")).isEqualTo(utf8("version 2"));
        }
    }

    @Nested
    @DisplayName("deletion")
    class Deletion {
        @Test
        @DisplayName("a deleted object is gone; its neighbours stay")
        void deletes() {
            put("del/a", utf8("a"));
            put("del/ab", utf8("ab"));
            target.delete("del/a");
            assertThat(target.exists("del/a")).isFalse();
            assertThatThrownBy(() -> target.get("del/a").close()).isInstanceOf(ObjectNotFoundException.class);
            assertThat(read("del/ab")).isEqualTo(utf8("ab"));
        }

        @Test
        @DisplayName("deleting twice, or deleting a key that never existed, succeeds")
        void idempotent() {
            put("del/twice", utf8("x"));
            target.delete("del/twice");
            target.delete("del/twice");
            target.delete("del/never/existed");
            assertThat(target.exists("del/twice")).isFalse();
        }

        @Test
        @DisplayName("a deleted key can be written again")
        void rewriteAfterDelete() {
            put("del/again", utf8("one"));
            target.delete("del/again");
            put("del/again", utf8("two"));
            assertThat(read("del/again")).isEqualTo(utf8("two"));
        }
    }

    @Nested
    @DisplayName("concurrency")
    class Concurrency {
        @Test
        @DisplayName("concurrent writers of different keys all succeed and nothing is mixed up")
        void concurrentWriters() throws Exception {
            int writers = 8;
            int size = 512 * 1024;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    int n = i;
                    results.add(pool.submit(() -> {
                        start.await();
                        try (ObjectWriter w = target.newWriter("conc/w" + n + "/data", WriteOptions.createNew())) {
                            String sha = RandomPayloads.writeTo(w, 1000 + n, size);
                            w.commit();
                            return sha;
                        }
                    }));
                }
                start.countDown();
                for (int i = 0; i < writers; i++) {
                    String sha = results.get(i).get(2, TimeUnit.MINUTES);
                    try (InputStream in = target.get("conc/w" + i + "/data")) {
                        assertThat(RandomPayloads.sha256(in)).as("object of writer " + i).isEqualTo(sha);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(keysOf("conc/")).hasSize(writers);
        }
    }

    @Nested
    @DisplayName("abort")
    class Abort {
        @Test
        @DisplayName("closing a writer without commit leaves nothing: no object, nothing listed")
        void closeWithoutCommit() throws IOException {
            try (ObjectWriter w = target.newWriter("abort/closed", WriteOptions.createNew())) {
                RandomPayloads.writeTo(w, 3, 300_000);
            }
            assertThat(target.exists("abort/closed")).isFalse();
            assertThat(keysOf("")).isEmpty();
        }

        @Test
        @DisplayName("an explicit abort leaves nothing, and the key stays free for a create-only write")
        void explicitAbort() throws IOException {
            ObjectWriter w = target.newWriter("abort/explicit", WriteOptions.createNew());
            w.write(utf8("discard me"));
            w.abort();
            w.abort();
            assertThat(target.exists("abort/explicit")).isFalse();
            put("abort/explicit", utf8("kept"));
            assertThat(read("abort/explicit")).isEqualTo(utf8("kept"));
        }

        @Test
        @DisplayName("an exception while writing aborts the object")
        void exceptionAborts() {
            assertThatThrownBy(() -> {
                try (ObjectWriter w = target.newWriter("abort/failed", WriteOptions.createNew())) {
                    w.write(utf8("half"));
                    throw new IllegalStateException("source failed");
                }
            }).hasMessage("source failed");
            assertThat(target.exists("abort/failed")).isFalse();
            assertThat(keysOf("abort/")).isEmpty();
        }
    }

    @Nested
    @DisplayName("hostile keys")
    class HostileKeys {
        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"../escape", "a/../../escape", "a/..", "..", ".", "./a", "/etc/passwd",
                "/absolute", "a\\b", "..\\escape", "a\u0000b", "nul\u0000", "", "a//b", "a/", "C:\\x", "a/\nb"})
        @DisplayName("a key that could escape the namespace is rejected by every operation")
        void rejected(String key) {
            assertThatThrownBy(() -> target.newWriter(key, WriteOptions.createNew()).close())
                    .as("newWriter").isInstanceOf(InvalidKeyException.class);
            assertThatThrownBy(() -> target.put(key, new ByteArrayInputStream(utf8("x")), WriteOptions.createNew()))
                    .as("put").isInstanceOf(InvalidKeyException.class);
            assertThatThrownBy(() -> target.get(key).close()).as("get").isInstanceOf(InvalidKeyException.class);
            assertThatThrownBy(() -> target.stat(key)).as("stat").isInstanceOf(InvalidKeyException.class);
            assertThatThrownBy(() -> target.delete(key)).as("delete").isInstanceOf(InvalidKeyException.class);
            assertThat(keysOf("")).as("nothing was written").isEmpty();
        }

        @Test
        @DisplayName("unusual but safe keys (spaces, unicode, dots inside names) round-trip")
        void unusualButSafe() {
            List<String> odd = List.of("odd/with space", "odd/ünïcödé-日本", "odd/..hidden", "odd/a.b.c", "odd/-dash");
            for (String k : odd) {
                put(k, utf8(k));
            }
            for (String k : odd) {
                assertThat(read(k)).as(k).isEqualTo(utf8(k));
            }
            assertThat(keysOf("odd/")).containsExactlyElementsOf(odd.stream().sorted().collect(Collectors.toList()));
        }
    }
}
