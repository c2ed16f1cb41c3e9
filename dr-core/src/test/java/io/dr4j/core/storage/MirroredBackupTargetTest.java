package io.dr4j.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import io.dr4j.core.Payloads;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.codec.IntegrityException;
import io.dr4j.core.config.ProviderConfig;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirroredBackupTargetTest {
    @TempDir
    Path dir;
    FaultyTarget a;
    FaultyTarget b;

    @BeforeEach
    void mirrors() {
        a = new FaultyTarget(FileBackupTarget.of(dir.resolve("a")));
        b = new FaultyTarget(FileBackupTarget.of(dir.resolve("b")));
    }

    MirroredBackupTarget mirror(MirroredBackupTarget.WritePolicy policy) {
        return MirroredBackupTarget.builder().target(a).target(b).policy(policy).build();
    }

    static byte[] read(BackupTarget t, String key) throws IOException {
        try (InputStream in = t.get(key)) {
            return in.readAllBytes();
        }
    }

    long filesUnder(String mirror) throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve(mirror))) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void writesReachEveryMirror() throws IOException {
        byte[] data = Payloads.bytes(1, 1_000_000);
        mirror(MirroredBackupTarget.WritePolicy.ALL).put("k/obj", new ByteArrayInputStream(data), WriteOptions.createNew());
        assertThat(read(a, "k/obj")).isEqualTo(data);
        assertThat(read(b, "k/obj")).isEqualTo(data);
    }

    @Test
    void policyAllFailsWhenOneMirrorFailsAndLeavesNothingAnywhere() throws IOException {
        b.failWritesAfter = 300_000;
        MirroredBackupTarget m = mirror(MirroredBackupTarget.WritePolicy.ALL);
        assertThatThrownBy(() -> m.put("k/obj", Payloads.stream(2, 1_000_000), WriteOptions.createNew()))
                .isInstanceOf(StorageException.class).hasMessageContaining("injected write failure");
        assertThat(a.exists("k/obj")).isFalse();
        assertThat(b.exists("k/obj")).isFalse();
        assertThat(filesUnder("a") + filesUnder("b")).as("no temporary files left").isZero();
    }

    @Test
    void policyAtLeastOneSucceedsWithTheHealthyMirrors() throws IOException {
        a.failWritesAfter = 10;
        byte[] data = Payloads.bytes(3, 500_000);
        mirror(MirroredBackupTarget.WritePolicy.AT_LEAST_ONE).put("k/obj", new ByteArrayInputStream(data),
                WriteOptions.createNew());
        assertThat(a.exists("k/obj")).isFalse();
        assertThat(read(b, "k/obj")).isEqualTo(data);
        assertThat(read(mirror(MirroredBackupTarget.WritePolicy.ALL), "k/obj")).as("read falls back").isEqualTo(data);
        assertThat(filesUnder("a")).isZero();
    }

    @Test
    void policyAtLeastOneFailsWhenEveryMirrorFails() {
        a.failWritesAfter = 0;
        b.failWritesAfter = 0;
        assertThatThrownBy(() -> mirror(MirroredBackupTarget.WritePolicy.AT_LEAST_ONE).put("k/obj",
                new ByteArrayInputStream(new byte[10]), WriteOptions.createNew()))
                .isInstanceOf(StorageException.class).hasMessageContaining("any mirror");
    }

    @Test
    void aCreateOnlyWriteMeetingTheKeyOnALaterMirrorRollsBackTheEarlierCopies() throws IOException {
        b.put("k/obj", new ByteArrayInputStream(new byte[] {1}), WriteOptions.createNew());
        MirroredBackupTarget m = mirror(MirroredBackupTarget.WritePolicy.ALL);
        ObjectWriter w = m.newWriter("k/other", WriteOptions.createNew());
        w.close();
        // the key exists on b: refused at newWriter (file target checks early) and nothing on a
        assertThatThrownBy(() -> m.put("k/obj", new ByteArrayInputStream(new byte[] {2}), WriteOptions.createNew()))
                .isInstanceOf(ObjectAlreadyExistsException.class);
        assertThat(a.exists("k/obj")).isFalse();
        assertThat(read(b, "k/obj")).containsExactly(1);
        // the key appears on b between open and commit: a's committed copy is removed again
        ObjectWriter late = m.newWriter("k/late", WriteOptions.createNew());
        late.write(new byte[] {3});
        b.put("k/late", new ByteArrayInputStream(new byte[] {4}), WriteOptions.createNew());
        assertThatThrownBy(late::commit).isInstanceOf(ObjectAlreadyExistsException.class);
        assertThat(a.exists("k/late")).isFalse();
        assertThat(read(b, "k/late")).containsExactly(4);
    }

    @Test
    void aFailedReplacingWriteNeverDeletesTheObject() throws IOException {
        MirroredBackupTarget m = mirror(MirroredBackupTarget.WritePolicy.ALL);
        m.put("repository.json", new ByteArrayInputStream(new byte[] {1}), WriteOptions.createNew());
        b.failCommits = true;
        assertThatThrownBy(() -> m.put("repository.json", new ByteArrayInputStream(new byte[] {2}),
                WriteOptions.replaceExisting())).isInstanceOf(StorageException.class)
                .hasMessageContaining("injected commit failure");
        assertThat(read(a, "repository.json")).as("a committed the new version and keeps it").containsExactly(2);
        assertThat(read(b, "repository.json")).containsExactly(1);
        assertThat(read(m, "repository.json")).containsExactly(2);
        // a create-only write whose later commit fails is rolled back on the mirrors that committed
        assertThatThrownBy(() -> m.put("fresh", new ByteArrayInputStream(new byte[] {3}), WriteOptions.createNew()))
                .isInstanceOf(StorageException.class);
        assertThat(a.exists("fresh")).isFalse();
        assertThat(b.exists("fresh")).isFalse();
    }

    @Test
    void readsFallBackWhenAMirrorLacksTheObjectOrFails() throws IOException {
        b.put("only-b", new ByteArrayInputStream(new byte[] {7}), WriteOptions.createNew());
        MirroredBackupTarget m = mirror(MirroredBackupTarget.WritePolicy.ALL);
        assertThat(read(m, "only-b")).containsExactly(7);
        assertThat(m.stat("only-b")).isPresent();
        m.put("both", new ByteArrayInputStream(new byte[] {8}), WriteOptions.createNew());
        assertThatThrownBy(() -> m.get("missing")).isInstanceOf(ObjectNotFoundException.class);
        a.failGets = true;
        assertThat(read(m, "both")).containsExactly(8);
        assertThatThrownBy(() -> m.get("missing")).as("missing on b, unknown on a: not a confident 'not found'")
                .isInstanceOf(StorageException.class).isNotInstanceOf(ObjectNotFoundException.class);
        b.failGets = true;
        assertThatThrownBy(() -> m.get("both")).isInstanceOf(StorageException.class)
                .hasMessageContaining("any mirror");
    }

    @Test
    void aStreamThatBreaksHalfwayResumesFromTheNextMirrorAtTheSameOffset() throws IOException {
        byte[] data = Payloads.bytes(4, 2_000_000);
        MirroredBackupTarget m = mirror(MirroredBackupTarget.WritePolicy.ALL);
        m.put("obj", new ByteArrayInputStream(data), WriteOptions.createNew());
        a.breakStreamsAfter = 777_777;
        assertThat(read(m, "obj")).isEqualTo(data);
        try (InputStream in = m.get("obj", ByteRange.of(500_000, 600_000))) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 500_000, 1_100_000));
        }
        b.breakStreamsAfter = 100;
        assertThatThrownBy(() -> read(m, "obj")).isInstanceOf(IOException.class)
                .hasMessageContaining("injected connection reset");
    }

    @Test
    void aRepositoryRecoversACorruptCopyFromTheNextMirror() throws IOException {
        byte[] data = Payloads.text(5, 400_000);
        MirroredBackupTarget m = mirror(MirroredBackupTarget.WritePolicy.ALL);
        StoredObject o;
        try (Repository repo = Repository.openOrInit(m, RepositoryOptions.DEFAULT, "sys", "test")) {
            o = repo.write("backups/b1/data/f", new ByteArrayInputStream(data));
        }
        // bit rot on the first mirror, inside the data
        Path onA = dir.resolve("a").resolve(o.key());
        byte[] stored = Files.readAllBytes(onA);
        stored[stored.length / 2] ^= 0x01;
        Files.write(onA, stored);

        try (Repository repo = Repository.open(m, RepositoryOptions.DEFAULT)) {
            assertThatThrownBy(() -> {
                try (InputStream in = repo.read(o)) {
                    in.readAllBytes();
                }
            }).as("a plain read reports the corruption").isInstanceOf(IntegrityException.class);
            byte[] recovered = repo.readVerified(o, InputStream::readAllBytes);
            assertThat(recovered).isEqualTo(data);

            // both copies corrupt: the integrity error names the object
            Path onB = dir.resolve("b").resolve(o.key());
            Files.write(onB, stored);
            assertThatThrownBy(() -> repo.readVerified(o, InputStream::readAllBytes))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining(o.key());
        }
    }

    @Test
    void listingsAreTheUnionOfTheMirrors() {
        MirroredBackupTarget m = mirror(MirroredBackupTarget.WritePolicy.ALL);
        m.put("x/1", new ByteArrayInputStream(new byte[1]), WriteOptions.createNew());
        a.put("x/2", new ByteArrayInputStream(new byte[1]), WriteOptions.createNew());
        b.put("x/3", new ByteArrayInputStream(new byte[1]), WriteOptions.createNew());
        try (Stream<ObjectInfo> s = m.listAll("x/")) {
            assertThat(s.map(ObjectInfo::key)).containsExactly("x/1", "x/2", "x/3");
        }
        ListPage p1 = m.list("x/", null, 2);
        assertThat(p1.objects()).extracting(ObjectInfo::key).containsExactly("x/1", "x/2");
        ListPage p2 = m.list("x/", p1.nextToken(), 2);
        assertThat(p2.objects()).extracting(ObjectInfo::key).containsExactly("x/3");
        assertThat(p2.nextToken()).isNull();
        m.delete("x/2");
        assertThat(a.exists("x/2")).isFalse();
    }

    @Test
    void capabilitiesAreWhatEveryMirrorSupports() {
        BackupTarget limited = new FaultyTarget(a) {
            @Override
            public java.util.Set<Capability> capabilities() {
                return java.util.Set.of(Capability.RANGED_READ);
            }
        };
        assertThat(MirroredBackupTarget.of(limited, b).capabilities()).containsExactly(Capability.RANGED_READ);
        assertThat(MirroredBackupTarget.of(a, b).replicas()).containsExactly(a, b);
    }

    @Test
    void aMirrorUriOpensEveryLocationThroughTheRegistry() throws IOException {
        URI uri = BackupTargets.parse("mirror:" + dir.resolve("u1").toUri() + "," + dir.resolve("u2").toUri());
        try (BackupTarget t = BackupTargets.open(uri, ProviderConfig.of(Map.of("dr.storage.mirror.policy",
                "at-least-one")))) {
            assertThat(t).isInstanceOf(MirroredBackupTarget.class);
            assertThat(((MirroredBackupTarget) t).policy()).isEqualTo(MirroredBackupTarget.WritePolicy.AT_LEAST_ONE);
            assertThat(t.location().toString()).startsWith("mirror:file:");
            t.put("obj", new ByteArrayInputStream(new byte[] {5}), WriteOptions.createNew());
        }
        assertThat(Files.readAllBytes(dir.resolve("u1/obj"))).containsExactly(5);
        assertThat(Files.readAllBytes(dir.resolve("u2/obj"))).containsExactly(5);
        assertThatThrownBy(() -> BackupTargets.open(URI.create("mirror:" + dir.toUri() + ",,x"),
                ProviderConfig.empty())).hasMessageContaining("empty entry");
        assertThatThrownBy(() -> BackupTargets.open(BackupTargets.parse("mirror:" + dir.resolve("u1").toUri()),
                ProviderConfig.of(Map.of("dr.storage.mirror.policy", "most")))).hasMessageContaining("at-least-one");
    }
}
