package io.dr4j.core.backup.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.codec.CodecSpec;
import io.dr4j.core.codec.Compression;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.MirroredBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ReadDataVerifier reads every mirror: a bad copy on the second mirror is reported although readers never see it. */
class MirrorReadDataTest {
    @TempDir
    Path dir;

    @Test
    void aCorruptCopyOnOneMirrorIsReportedEvenThoughTheOtherIsIntact() throws Exception {
        FileBackupTarget first = FileBackupTarget.of(dir.resolve("m1"));
        FileBackupTarget second = FileBackupTarget.of(dir.resolve("m2"));
        Repository repo = Repository.openOrInit(MirroredBackupTarget.of(first, second),
                new RepositoryOptions(CodecSpec.of(Compression.NONE), null), "sys", "postgresql");
        BackupSession s = repo.catalog().begin("20261120T020000Z-full");
        byte[] content = new byte[5000];
        new java.util.Random(5).nextBytes(content);
        StoredObject o = s.writeFile("base/1/1", new ByteArrayInputStream(content));
        s.commit(new BackupManifest(1, s.id(), BackupType.FULL, null, "sys", "postgresql",
                Instant.parse("2026-11-20T02:00:00Z"), Instant.parse("2026-11-20T02:01:00Z"), Map.of("timeline", "1"),
                Map.of(), List.of(new BackupFile("base/1/1", BackupFile.Kind.FILE, o.size(), o.storedSize(), o.sha256(),
                o.key(), null, null, 0600, null, null)), o.size(), o.storedSize()));
        assertThat(new ReadDataVerifier(repo).run().passed()).isTrue();

        Path copy = dir.resolve("m2").resolve(o.key());
        byte[] b = Files.readAllBytes(copy);
        b[100] ^= 0x01;
        Files.write(copy, b);

        // readers get the intact copy of the first mirror ...
        try (InputStream in = repo.read(o)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(new ReadDataVerifier(repo).allReplicas(false).run().passed()).isTrue();
        // ... but verification reads both, and names the bad copy and its mirror
        VerificationRecord v = new ReadDataVerifier(repo).run();
        assertThat(v.passed()).isFalse();
        assertThat(v.details()).containsEntry("replicas", "2");
        assertThat(v.problems()).singleElement().asString().contains(o.key()).contains("copy on " + second.location())
                .doesNotContain(first.location().toString() + ")");
    }
}
