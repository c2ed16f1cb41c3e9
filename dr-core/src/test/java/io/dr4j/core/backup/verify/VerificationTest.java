package io.dr4j.core.backup.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.backup.WalNames;
import io.dr4j.core.codec.CodecSpec;
import io.dr4j.core.codec.Compression;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerificationTest {
    static final long SEG = WalNames.DEFAULT_SEGMENT_SIZE;
    @TempDir
    Path dir;
    Repository repo;
    Path root;

    @BeforeEach
    void setUp() {
        root = dir.resolve("repo");
        repo = Repository.openOrInit(FileBackupTarget.of(root), new RepositoryOptions(CodecSpec.of(Compression.NONE), null),
                "sys", "postgresql");
    }

    private String backup(String id, long startSeg, long stopSeg, int files) {
        BackupSession s = repo.catalog().begin(id);
        List<BackupFile> list = new ArrayList<>();
        Random r = new Random(id.hashCode());
        for (int i = 0; i < files; i++) {
            byte[] b = new byte[1000 + r.nextInt(1000)];
            r.nextBytes(b);
            StoredObject o = s.writeFile("base/1/" + i, new ByteArrayInputStream(b));
            list.add(new BackupFile("base/1/" + i, BackupFile.Kind.FILE, o.size(), o.storedSize(), o.sha256(), o.key(),
                    null, null, 0600, null, null));
        }
        s.commit(new BackupManifest(1, id, BackupType.FULL, null, "sys", "postgresql", Instant.parse("2026-11-20T02:00:00Z"),
                Instant.parse("2026-11-20T02:01:00Z"), Map.of("startLsn", WalNames.formatLsn(startSeg * SEG + 40),
                "stopLsn", WalNames.formatLsn(stopSeg * SEG + 100), "timeline", "1"), Map.of(), list, 0, 0));
        return id;
    }

    private void wal(long tl, long from, long to) throws Exception {
        for (long i = from; i <= to; i++) {
            String name = WalNames.segmentName(tl, i * SEG, SEG);
            Path f = dir.resolve(name);
            Files.write(f, ("wal " + name).getBytes());
            repo.wal().push(name, f);
        }
    }

    @Test
    void readDataNamesTheCorruptObjectAndRecordsTheResult() throws Exception {
        String id = backup("20261120T020000Z-full", 2, 3, 5);
        wal(1, 2, 4);
        VerificationRecord ok = new ReadDataVerifier(repo).run();
        assertThat(ok.passed()).isTrue();
        assertThat(ok.details()).containsEntry("objects", "8");

        Path victim = root.resolve("backups/" + id + "/data/base/1/3");
        byte[] b = Files.readAllBytes(victim);
        b[b.length / 2] ^= 0x10;
        Files.write(victim, b);
        Files.delete(root.resolve(repo.wal().find(WalNames.segmentName(1, 4 * SEG, SEG)).orElseThrow().key()));

        VerificationRecord bad = new ReadDataVerifier(repo).parallelism(2).run();
        assertThat(bad.passed()).isFalse();
        assertThat(bad.problems()).anySatisfy(p -> assertThat(p).contains("backups/" + id + "/data/base/1/3")
                .contains("Checksum mismatch"));
        assertThat(new VerificationLog(repo).all()).hasSize(2);
        assertThat(new VerificationLog(repo).verifiedBackups()).doesNotContain(id);
    }

    @Test
    void sampledModeReadsAboutThatShare() throws Exception {
        backup("20261120T020000Z-full", 2, 3, 200);
        VerificationRecord r = new ReadDataVerifier(repo).includeWal(false).sample(10, 42).run();
        int n = Integer.parseInt(r.details().get("objects"));
        assertThat(n).isBetween(5, 40);
        assertThat(new VerificationLog(repo).verifiedBackups()).contains("20261120T020000Z-full");
    }

    @Test
    void walChainFindsGapsAndFollowsTimelines() throws Exception {
        backup("20261120T020000Z-full", 2, 3, 1);
        wal(1, 2, 6);
        wal(1, 8, 9); // segment 7 missing: a gap
        WalChainVerifier.Result gap = new WalChainVerifier(repo).check();
        assertThat(gap.passed()).isFalse();
        assertThat(gap.problems()).singleElement().asString()
                .contains("segment " + WalNames.segmentName(1, 7 * SEG, SEG) + " is missing");
        assertThat(gap.backups().get(0).lastContiguous()).isEqualTo(WalNames.segmentName(1, 6 * SEG, SEG));
        assertThat(gap.restorableFrom()).isEqualTo(Instant.parse("2026-11-20T02:01:00Z"));

        // timeline 2 branched off in segment 5: the chain continues on timeline 2 from there
        Path h = dir.resolve("00000002.history");
        Files.writeString(h, "1\t" + WalNames.formatLsn(5 * SEG + 500) + "\tno recovery target specified\n");
        repo.wal().push("00000002.history", h);
        wal(2, 5, 10);
        WalChainVerifier.Result tl2 = new WalChainVerifier(repo).check();
        assertThat(tl2.passed()).isTrue();
        assertThat(tl2.backups().get(0).lastContiguous()).isEqualTo(WalNames.segmentName(2, 10 * SEG, SEG));
    }

    @Test
    void backupWithoutItsWalIsNotConsistent() throws Exception {
        backup("20261120T020000Z-full", 2, 4, 1);
        wal(1, 2, 3);
        WalChainVerifier.Result r = new WalChainVerifier(repo).check();
        assertThat(r.passed()).isFalse();
        assertThat(r.problems()).singleElement().asString().contains("cannot be restored")
                .contains(WalNames.segmentName(1, 4 * SEG, SEG));
        assertThat(new WalChainVerifier(repo).run().passed()).isFalse();
    }
}
