package io.dr4j.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.DrException;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupId;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Catalog;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryDescriptor;
import io.dr4j.core.backup.RepositoryException;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.WalArchive;
import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.ObjectInfo;
import io.dr4j.core.storage.WriteOptions;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile repository content: garbage, huge, deeply nested or ill-typed manifests and descriptors, backup ids and
 * WAL names with path characters, a repository of another system. Each is refused with a {@link DrException} that
 * names the object, quickly, and nothing is written.
 */
class HostileRepositoryInputPropertiesTest {
    static Path root;
    static FileBackupTarget target;
    static Repository repo;
    static final AtomicInteger SEQ = new AtomicInteger();
    static final AtomicInteger TRIED = new AtomicInteger();

    @BeforeContainer
    static void create() throws IOException {
        root = Files.createTempDirectory("dr4j-hostile-");
        target = FileBackupTarget.of(root.resolve("repo"));
        repo = Repository.openOrInit(target, RepositoryOptions.DEFAULT, "sys", "test");
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        System.out.println("FIGURE hostile repository inputs tried: " + TRIED.get());
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String validManifestJson(String id) {
        Instant t = Instant.parse("2026-11-20T02:00:00Z");
        BackupFile f = new BackupFile("base/1/1", BackupFile.Kind.FILE, 10, 12, "ab".repeat(32),
                "backups/" + id + "/data/base/1/1.zst", null, t, 0600, null, Map.of("k", "v"));
        return new String(Json.write(new BackupManifest(1, id, BackupType.FULL, null, "sys", "postgresql", t,
                t.plusSeconds(1), Map.of("startLsn", "0/2000028"), Map.of(), List.of(f), 10, 12)),
                StandardCharsets.UTF_8);
    }

    /** Stores {@code content} as the manifest of a fresh id and reads it back through the catalog. */
    static void assertRefusedOrRead(byte[] content) {
        TRIED.incrementAndGet();
        String id = "20261120T020000Z-h" + SEQ.incrementAndGet();
        String key = Catalog.manifestKey(id);
        target.put(key, new ByteArrayInputStream(content), WriteOptions.createNew());
        long t0 = System.nanoTime();
        try {
            Optional<BackupManifest> m = repo.catalog().find(id);
            assertThat(m).hasValueSatisfying(x -> assertThat(x.id()).isEqualTo(id));
        } catch (RepositoryException e) {
            assertThat(e.getMessage()).contains(key);
        } finally {
            target.delete(key);
        }
        assertThat(System.nanoTime() - t0).as("parsing time in ns").isLessThan(5_000_000_000L);
    }

    @Property(tries = 100)
    void garbageManifestsAreRefusedNamingTheManifest(@ForAll byte[] garbage) {
        assertRefusedOrRead(garbage);
    }

    /** The parser alone, many more tries: only IOException (which the catalog turns into RepositoryException). */
    @Property(tries = 3000)
    void theManifestParserThrowsOnlyIoExceptions(@ForAll("mutatedManifests") String json) {
        TRIED.incrementAndGet();
        try {
            BackupManifest m = Json.read(json.getBytes(StandardCharsets.UTF_8), BackupManifest.class);
            assertThat(m).isNotNull();
        } catch (IOException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> mutatedManifests() {
        String valid = validManifestJson("20261120T020000Z-x");
        Arbitrary<String> replaceChar = Arbitraries.integers().between(0, valid.length() - 1)
                .flatMap(i -> Arbitraries.chars().map(c -> valid.substring(0, i) + c + valid.substring(i + 1)));
        Arbitrary<String> cut = Arbitraries.integers().between(0, valid.length() - 1).map(i -> valid.substring(0, i));
        Arbitrary<String> wrongType = Arbitraries.of("\"size\" : 10", "\"formatVersion\" : 1", "\"files\" : [",
                        "\"kind\" : \"FILE\"", "\"type\" : \"full\"", "\"startedAt\" : \"", "\"mode\" : ", "\"properties\" : {")
                .flatMap(field -> Arbitraries.of("null", "\"x\"", "[]", "{}", "true", "-1", "1e400", "\"../../etc\"",
                                "[[[[[[[[]]]]]]]]", "99999999999999999999999")
                        .map(v -> valid.replaceFirst(java.util.regex.Pattern.quote(field) + "[^,\\n]*",
                                java.util.regex.Matcher.quoteReplacement(field.substring(0, field.indexOf(':') + 1) + " " + v))));
        Arbitrary<String> duplicate = Arbitraries.of("{\"id\":\"a\",\"id\":\"b\"}", valid.replaceFirst("\\{",
                "{\"systemId\":\"other\","));
        return Arbitraries.oneOf(replaceChar, cut, wrongType, duplicate);
    }

    @Property(tries = 100)
    void mutatedManifestsAreReadOrRefusedNamingTheManifest(@ForAll("mutatedManifests") String json) {
        assertRefusedOrRead(json.getBytes(StandardCharsets.UTF_8));
    }

    @Example
    void hugeAndDeepDocumentsAreRefusedQuicklyWithoutExhaustingMemory() {
        String valid = validManifestJson("ID");
        List<byte[]> hostile = List.of(
                "[".repeat(200_000).getBytes(StandardCharsets.US_ASCII),
                ("{\"a\":".repeat(100_000)).getBytes(StandardCharsets.US_ASCII),
                valid.replace("\"startLsn\"", "\"startLsn\":\"" + "A".repeat(3 << 20) + "\",\"x\"")
                        .getBytes(StandardCharsets.UTF_8),
                valid.replace("\"size\" : 10", "\"size\" : " + "9".repeat(100_000)).getBytes(StandardCharsets.UTF_8),
                ("{\"files\":[" + "{},".repeat(500_000) + "{}]}").getBytes(StandardCharsets.US_ASCII),
                "null".getBytes(StandardCharsets.US_ASCII), "{}".getBytes(StandardCharsets.US_ASCII),
                new byte[0],
                new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, (byte) 0xff, (byte) 0xfe, 0});
        long heapBefore = usedHeap();
        for (byte[] h : hostile) {
            assertRefusedOrRead(h);
        }
        assertThat(usedHeap() - heapBefore).as("heap growth").isLessThan(512L << 20);
    }

    static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Example
    void aManifestNamingAnotherBackupIsRefused() {
        String id = "20261120T020000Z-swapped";
        target.put(Catalog.manifestKey(id), new ByteArrayInputStream(validManifestJson("20261120T020000Z-other")
                .getBytes(StandardCharsets.UTF_8)), WriteOptions.createNew());
        try {
            assertThatThrownBy(() -> repo.catalog().find(id)).isInstanceOf(RepositoryException.class)
                    .hasMessageContaining("tampered");
        } finally {
            target.delete(Catalog.manifestKey(id));
        }
    }

    @Property(tries = 100)
    void garbageDescriptorsAreRefusedAsNotADr4jRepository(@ForAll("descriptors") byte[] content) throws IOException {
        TRIED.incrementAndGet();
        Path dir = Files.createTempDirectory(root, "d");
        FileBackupTarget t = FileBackupTarget.of(dir);
        t.put(RepositoryDescriptor.KEY, new ByteArrayInputStream(content), WriteOptions.createNew());
        try {
            Repository r = Repository.openOrInit(t, RepositoryOptions.DEFAULT, "sys", "test");
            assertThat(r.descriptor().systemId()).isEqualTo("sys");
        } catch (RepositoryException e) {
            assertThat(e.getMessage()).satisfiesAnyOf(m -> assertThat(m).contains(RepositoryDescriptor.KEY),
                    m -> assertThat(m).contains("belongs to system"), m -> assertThat(m).contains("format version"));
        }
        try (Stream<ObjectInfo> s = t.listAll("")) {
            assertThat(s.map(ObjectInfo::key)).as("nothing written next to a foreign descriptor")
                    .containsExactly(RepositoryDescriptor.KEY);
        }
    }

    @Provide
    Arbitrary<byte[]> descriptors() {
        String valid = new String(Json.write(repo.descriptor()), StandardCharsets.UTF_8);
        Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
        Arbitrary<byte[]> foreign = Arbitraries.of(
                valid.replace("\"sys\"", "\"another-system\""),
                valid.replace("\"dr4j-repository\"", "\"pgbackrest\""),
                valid.replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"),
                "{\"backup-info\":{\"db-id\":1}}",
                "[repo]\nrepo1-path=/var/lib/pgbackrest\n", "null", "", "{}", "[]", "\"text\"",
                "{\"LSN\":\"0/2000028\",\"WalSegmentName\":\"000000010000000000000002\"}"
        ).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> cut = Arbitraries.integers().between(0, valid.length() - 1)
                .map(i -> valid.substring(0, i).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(garbage, foreign, cut);
    }

    @Provide
    Arbitrary<String> pathLikeIds() {
        Arbitrary<String> nasty = Arbitraries.of("/", "\\", "..", "\0", "\n", ":", "%2e%2e", "~", " ", "*", "?",
                "\u202e", "／");
        Arbitrary<String> base = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('.', '-', '_')
                .ofMaxLength(20);
        return Arbitraries.oneOf(
                base.flatMap(b -> nasty.map(n -> b + n + b)),
                nasty.map(n -> n + "20261120T020000Z-full"),
                Arbitraries.of("../20261120T020000Z-full", "/etc/passwd", "C:\\x", "a/../../b", ".hidden", "-rf",
                        "x".repeat(129)));
    }

    @Property(tries = 300)
    void backupIdsWithPathCharactersAreRefusedBeforeAnythingIsTouched(@ForAll("pathLikeIds") String id)
            throws IOException {
        TRIED.incrementAndGet();
        long before = countFiles(root);
        assertThatThrownBy(() -> BackupId.validate(id)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Invalid backup id");
        assertThatThrownBy(() -> repo.catalog().begin(id)).isInstanceOf(DrException.class);
        assertThatThrownBy(() -> repo.catalog().find(id)).isInstanceOf(DrException.class);
        assertThatThrownBy(() -> repo.catalog().delete(id)).isInstanceOf(DrException.class);
        assertThat(countFiles(root)).isEqualTo(before);
    }

    static long countFiles(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            return s.count();
        }
    }

    @Provide
    Arbitrary<String> walNames() {
        Arbitrary<String> hex24 = Arbitraries.strings().withChars("0123456789ABCDEF").ofLength(24);
        return Arbitraries.oneOf(
                hex24.map(h -> "../" + h),
                hex24.map(h -> h + "/.."),
                hex24.map(h -> h.toLowerCase(java.util.Locale.ROOT) + "x"),
                hex24.map(h -> h.substring(0, 23)),
                hex24.map(h -> h + ".partial/../../x"),
                hex24.map(h -> "/" + h),
                hex24.map(h -> h.substring(0, 8) + ".history\0"),
                Arbitraries.strings().ofMaxLength(40));
    }

    @Property(tries = 300)
    void hostileWalNamesAreRefused(@ForAll("walNames") String name) throws IOException {
        TRIED.incrementAndGet();
        if (WalArchive.isWalFileName(name)) {
            return; // a random string that happens to be valid
        }
        Path f = root.resolve("walfile");
        Files.write(f, new byte[] {1, 2, 3});
        long before = countFiles(root.resolve("repo"));
        assertThatThrownBy(() -> repo.wal().push(name, f)).hasMessageContaining("Not a WAL file name");
        assertThatThrownBy(() -> repo.wal().find(name)).hasMessageContaining("Not a WAL file name");
        assertThat(countFiles(root.resolve("repo"))).isEqualTo(before);
    }
}
