package io.dr4j.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.dr4j.core.codec.CodecSpec;
import io.dr4j.core.codec.Compression;
import io.dr4j.core.codec.IntegrityException;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryTest {
    @TempDir
    Path dir;

    private Repository repo(String system) {
        return Repository.openOrInit(FileBackupTarget.of(dir), RepositoryOptions.DEFAULT, system, "postgresql");
    }

    private static BackupManifest manifest(String id, BackupType type, String parent, Instant start, List<BackupFile> files) {
        return new BackupManifest(BackupManifest.FORMAT_VERSION, id, type, parent, "sys-1", "postgresql", start,
                start.plusSeconds(60), Map.of("timeline", "1"), Map.of(), files,
                files.stream().mapToLong(BackupFile::size).sum(), files.stream().mapToLong(BackupFile::storedSize).sum());
    }

    private static BackupFile file(StoredObject o, String path) {
        return new BackupFile(path, BackupFile.Kind.FILE, o.size(), o.storedSize(), o.sha256(), o.key(), null, null,
                0600, null, null);
    }

    @Test
    void initialisesOnceAndRefusesAnotherSystem() throws Exception {
        repo("sys-1");
        assertThat(dir.resolve("repository.json")).exists();
        String json = Files.readString(dir.resolve("repository.json"));
        assertThat(json).contains("\"systemId\" : \"sys-1\"").contains("\"formatVersion\" : 1").contains("zstd");
        assertThat(repo("sys-1").descriptor().systemId()).isEqualTo("sys-1");
        assertThatThrownBy(() -> repo("sys-2"))
                .isInstanceOf(RepositoryException.class)
                .hasMessageContaining("belongs to system sys-1, not to sys-2");
        assertThatThrownBy(() -> Repository.open(FileBackupTarget.of(dir.resolve("empty")), RepositoryOptions.DEFAULT))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("No dr4j repository");
    }

    @Test
    void backupExistsOnlyOnceItsManifestIsWritten() throws Exception {
        Repository r = repo("sys-1");
        Instant t0 = Instant.parse("2026-11-20T02:00:00Z");
        BackupSession s = r.catalog().begin(BackupId.generate(t0, BackupType.FULL));
        StoredObject a = s.writeFile("base/1/1259", new ByteArrayInputStream("hello".repeat(1000).getBytes(StandardCharsets.UTF_8)));
        assertThat(a.key()).isEqualTo("backups/20261120T020000.000Z-full/data/base/1/1259.zst");
        assertThat(a.size()).isEqualTo(5000);
        assertThat(a.storedSize()).isLessThan(5000);
        assertThat(r.catalog().list()).isEmpty();
        assertThat(r.catalog().leftovers()).containsExactly("20261120T020000.000Z-full");

        s.commit(manifest(s.id(), BackupType.FULL, null, t0, List.of(file(a, "base/1/1259"))));
        assertThat(r.catalog().list()).extracting(BackupManifest::id).containsExactly("20261120T020000.000Z-full");
        assertThat(r.catalog().leftovers()).isEmpty();
        try (InputStream in = r.read(a)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello".repeat(1000));
        }
        assertThatThrownBy(() -> r.catalog().begin(s.id())).isInstanceOf(BackupFailedException.class)
                .hasMessageContaining("is taken");
    }

    @Test
    void abortedSessionLeavesNothing() {
        Repository r = repo("sys-1");
        try (BackupSession s = r.catalog().begin("20261120T020000Z-full")) {
            s.writeFile("a", new ByteArrayInputStream(new byte[100]));
            s.writeFile("b/c", new ByteArrayInputStream(new byte[100]));
        }
        assertThat(r.catalog().leftovers()).isEmpty();
        assertThat(r.target().listAll("backups/")).isEmpty();
    }

    @Test
    void manifestsCanBeListedWithoutTheirEntries() {
        Repository r = repo("sys-1");
        Instant t = Instant.parse("2026-11-20T02:00:00Z");
        for (int i = 0; i < 2; i++) {
            BackupSession s = r.catalog().begin(BackupId.generate(t.plusSeconds(60L * i), BackupType.FULL));
            List<BackupFile> files = new ArrayList<>();
            for (int f = 0; f < 3; f++) {
                files.add(file(s.writeFile("base/1/" + f, new ByteArrayInputStream(new byte[] {(byte) f})), "base/1/" + f));
            }
            files.add(BackupFile.directory("base", 0700));
            s.commit(manifest(s.id(), BackupType.FULL, null, t.plusSeconds(60L * i), files));
        }
        List<BackupManifest> full = r.catalog().list();
        List<BackupManifest> headers = r.catalog().listWithoutFiles();
        assertThat(full).allSatisfy(m -> assertThat(m.files()).hasSize(4));
        assertThat(headers).hasSize(2).allSatisfy(m -> assertThat(m.files()).isEmpty());
        for (int i = 0; i < 2; i++) {
            BackupManifest f = full.get(i);
            assertThat(headers.get(i)).usingRecursiveComparison().ignoringFields("files").isEqualTo(f);
            assertThat(r.catalog().get(headers.get(i).id())).isEqualTo(f);
        }
    }

    @Test
    void latestBeforeChainAndDelete() {
        Repository r = repo("sys-1");
        Instant t = Instant.parse("2026-11-20T02:00:00Z");
        List<String> ids = new ArrayList<>();
        String parent = null;
        for (int i = 0; i < 3; i++) {
            BackupType type = i == 0 ? BackupType.FULL : BackupType.INCR;
            Instant start = t.plusSeconds(3600L * i);
            BackupSession s = r.catalog().begin(BackupId.generate(start, type));
            StoredObject o = s.writeFile("f" + i, new ByteArrayInputStream(new byte[] {(byte) i}));
            s.commit(manifest(s.id(), type, parent, start, List.of(file(o, "f" + i))));
            parent = s.id();
            ids.add(s.id());
        }
        assertThat(r.catalog().latest()).get().extracting(BackupManifest::id).isEqualTo(ids.get(2));
        // finishedAt = start + 60 s
        assertThat(r.catalog().latestBefore(t.plusSeconds(3600 + 59))).get().extracting(BackupManifest::id)
                .isEqualTo(ids.get(0));
        assertThat(r.catalog().latestBefore(t.plusSeconds(3600 + 60))).get().extracting(BackupManifest::id)
                .isEqualTo(ids.get(1));
        assertThat(r.catalog().latestBefore(t.plusSeconds(7200 + 60), BackupType.FULL)).get()
                .extracting(BackupManifest::id).isEqualTo(ids.get(0));
        assertThat(r.catalog().latestBefore(t)).isEmpty();
        assertThat(r.catalog().chain(r.catalog().get(ids.get(2)))).extracting(BackupManifest::id)
                .containsExactlyElementsOf(ids);

        r.catalog().delete(ids.get(1));
        assertThat(r.catalog().list()).extracting(BackupManifest::id).containsExactly(ids.get(0), ids.get(2));
        assertThatThrownBy(() -> r.catalog().chain(r.catalog().get(ids.get(2))))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("depends on backup " + ids.get(1));
        assertThatThrownBy(() -> r.catalog().get("20200101T000000Z-full"))
                .isInstanceOf(BackupNotFoundException.class).hasMessageContaining(ids.get(0));
    }

    @Test
    void corruptObjectIsNamedOnRead() throws Exception {
        Repository r = Repository.openOrInit(FileBackupTarget.of(dir), new RepositoryOptions(CodecSpec.of(Compression.NONE), null),
                "sys-1", "postgresql");
        StoredObject o = r.write("backups/x-full/data/f", new ByteArrayInputStream("abcdef".getBytes(StandardCharsets.UTF_8)));
        Path stored = dir.resolve(o.key());
        byte[] b = Files.readAllBytes(stored);
        b[2] ^= 1;
        Files.write(stored, b);
        try (InputStream in = r.read(o)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining(o.key()).hasMessageContaining("expected SHA-256 " + o.sha256());
        }
    }

    @Test
    void hostileBackupIdsAreRefused() {
        Repository r = repo("sys-1");
        for (String bad : List.of("../x", "a/b", "", ".hidden", "x\u0000y", "a..b")) {
            assertThatThrownBy(() -> r.catalog().begin(bad)).as(bad).hasMessageContaining("Invalid backup id");
        }
    }
}
