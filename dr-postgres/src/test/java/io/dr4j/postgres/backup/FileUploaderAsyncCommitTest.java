package io.dr4j.postgres.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import io.dr4j.core.ProgressListener;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.tck.FaultyBackupTarget;
import io.dr4j.tck.FaultyBackupTarget.Fault;
import io.dr4j.tck.FaultyBackupTarget.Operation;
import io.dr4j.tck.FaultyBackupTarget.Trigger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Direct mode hands the store's commit (fsyncs, rename) to threads of its own: same objects, same failures. */
class FileUploaderAsyncCommitTest {
    private static final int FILES = 60;

    @Test
    void everyFileIsStoredAndReadsBackVerified(@TempDir Path dir) throws Exception {
        List<Path> files = sources(dir.resolve("src"));
        try (Repository repo = Repository.openOrInit(FileBackupTarget.of(dir.resolve("repo")), RepositoryOptions.DEFAULT,
                "sys", "postgresql"); BackupSession session = repo.catalog().begin("20261126T000000000Z")) {
            FileUploader up = uploader(session);
            up.commitAsynchronously(2);
            List<BackupFile> stored = uploadAll(up, files);
            up.awaitCommits();
            assertThat(stored).hasSize(FILES);
            for (BackupFile f : stored) {
                byte[] expected = Files.readAllBytes(dir.resolve("src").resolve(f.path()));
                try (InputStream in = repo.read(new StoredObject(f.objectKey(), f.sha256(), f.size(), f.storedSize()))) {
                    assertThat(in.readAllBytes()).as(f.path()).isEqualTo(expected);
                }
            }
            assertThat(tempFiles(dir.resolve("repo"))).isEmpty();
        }
    }

    @Test
    void aFailedCommitFailsTheWaitAndLeavesNoHalfWrittenObject(@TempDir Path dir) throws Exception {
        List<Path> files = sources(dir.resolve("src"));
        FaultyBackupTarget faulty = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("repo")), 5)
                .inject(Operation.PUT, Fault.ERROR, Trigger.once(), k -> k.contains("/data/"));
        try (Repository repo = Repository.openOrInit(faulty, RepositoryOptions.DEFAULT, "sys", "postgresql");
             BackupSession session = repo.catalog().begin("20261126T000000000Z")) {
            FileUploader up = uploader(session);
            up.commitAsynchronously(2);
            uploadAll(up, files);
            assertThatThrownBy(up::awaitCommits).isInstanceOf(FaultyBackupTarget.InjectedFault.class);
            assertThat(faulty.injected(Operation.PUT, Fault.ERROR)).isEqualTo(1);
            long objects;
            try (Stream<Path> s = Files.walk(dir.resolve("repo").resolve("backups"))) {
                objects = s.filter(Files::isRegularFile).count();
            }
            assertThat(objects).as("every other object committed, the failed one not").isEqualTo(FILES - 1);
            assertThat(tempFiles(dir.resolve("repo"))).isEmpty();
        }
    }

    private static FileUploader uploader(BackupSession session) {
        return new FileUploader(session, Map.of(), null, 0, false, new ProgressTracker(ProgressListener.NONE, "backup", "copy"));
    }

    private static List<BackupFile> uploadAll(FileUploader up, List<Path> files) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<BackupFile>> futures = new ArrayList<>();
            for (Path f : files) {
                futures.add(pool.submit(() -> up.uploadLocal(f.getFileName().toString(), f, Instant.now(), 0600).orElseThrow()));
            }
            List<BackupFile> out = new ArrayList<>();
            for (Future<BackupFile> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Path> sources(Path src) throws Exception {
        Files.createDirectories(src);
        Random random = new Random(7);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            byte[] data = new byte[i % 10 == 0 ? 700_000 + random.nextInt(100_000) : random.nextInt(20_000)];
            for (int j = 0; j < data.length; j += 1 + random.nextInt(50)) {
                data[j] = (byte) random.nextInt();
            }
            out.add(Files.write(src.resolve("f" + i), data));
        }
        return out;
    }

    private static List<Path> tempFiles(Path repo) throws Exception {
        Path tmp = repo.resolve(".dr4j-tmp");
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(tmp)) {
            return s.toList();
        }
    }
}
