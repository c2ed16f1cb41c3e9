package io.dr4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import io.dr4j.core.backup.retention.Expiry;
import io.dr4j.core.backup.retention.RetentionPolicy;
import io.dr4j.core.backup.verify.ReadDataVerifier;
import io.dr4j.core.codec.IntegrityException;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.MirroredBackupTarget;
import io.dr4j.core.storage.ObjectAlreadyExistsException;
import io.dr4j.core.storage.RetryingBackupTarget;
import io.dr4j.core.storage.StorageException;
import io.dr4j.core.storage.WriteOptions;
import io.dr4j.tck.FaultyBackupTarget.Fault;
import io.dr4j.tck.FaultyBackupTarget.Operation;
import io.dr4j.tck.FaultyBackupTarget.Trigger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository under injected storage faults: transient ones are retried, persistent ones fail cleanly. */
class FaultInjectionTest {
    @TempDir
    Path dir;

    static RetryingBackupTarget retrying(BackupTarget t) {
        return RetryingBackupTarget.builder().maxAttempts(8).backoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .replayBuffer(64 * 1024).build(t);
    }

    /** Writes a backup of {@code files} random files; returns the originals by path. */
    static Map<String, byte[]> backup(Repository repo, String id, int files) {
        Map<String, byte[]> data = new LinkedHashMap<>();
        List<BackupFile> list = new ArrayList<>();
        Random r = new Random(id.hashCode());
        try (BackupSession s = repo.catalog().begin(id)) {
            for (int i = 0; i < files; i++) {
                byte[] b = new byte[100 + r.nextInt(30_000)];
                r.nextBytes(b);
                String path = "base/1/f" + i;
                StoredObject o = s.writeFile(path, new ByteArrayInputStream(b));
                data.put(o.key(), b);
                list.add(new BackupFile(path, BackupFile.Kind.FILE, o.size(), o.storedSize(), o.sha256(), o.key(),
                        null, null, 0600, null, null));
            }
            Instant t = Instant.parse("2026-11-20T02:00:00Z");
            s.commit(new BackupManifest(1, id, BackupType.FULL, null, "sys", "test", t, t.plusSeconds(1), Map.of(),
                    Map.of(), list, 0, 0));
        }
        return data;
    }

    @Test
    void triggersFireAsConfiguredAndAreReproducible() {
        boolean[][] fired = new boolean[2][100];
        for (int run = 0; run < 2; run++) {
            FaultyBackupTarget f = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("t" + run)), 7)
                    .inject(Operation.STAT, Fault.ERROR, Trigger.probability(0.3));
            for (int i = 0; i < 100; i++) {
                try {
                    f.stat("k");
                } catch (FaultyBackupTarget.InjectedFault e) {
                    fired[run][i] = true;
                }
            }
            assertThat(f.injected(Operation.STAT, Fault.ERROR)).isBetween(15L, 45L);
            assertThat(f.calls(Operation.STAT)).isEqualTo(100);
        }
        assertThat(fired[0]).as("same seed, same faults").isEqualTo(fired[1]);

        FaultyBackupTarget f = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("n")), 1)
                .inject(Operation.DELETE, Fault.ERROR, Trigger.everyNth(3))
                .inject(Operation.LIST, Fault.ERROR, Trigger.once());
        List<Integer> failed = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            try {
                f.delete("x");
            } catch (FaultyBackupTarget.InjectedFault e) {
                failed.add(i);
            }
        }
        assertThat(failed).containsExactly(3, 6, 9);
        assertThatThrownBy(() -> f.list("", null, 10)).isInstanceOf(StorageException.class);
        assertThat(f.list("", null, 10).objects()).isEmpty();
        assertThat(f.injectedTotal()).isEqualTo(4);
    }

    @Test
    void corruptingReadsChangeWhatIsRead() throws Exception {
        FaultyBackupTarget f = FaultyBackupTarget.wrap(FileBackupTarget.of(dir), 3);
        byte[] data = new byte[10_000];
        new Random(1).nextBytes(data);
        f.put("a", new ByteArrayInputStream(data), WriteOptions.createNew());
        f.inject(Operation.GET, Fault.FLIP_BYTE, Trigger.once());
        try (InputStream in = f.get("a")) {
            byte[] got = in.readAllBytes();
            assertThat(got).hasSameSizeAs(data).isNotEqualTo(data);
        }
        f.heal().inject(Operation.GET, Fault.TRUNCATE, Trigger.once());
        try (InputStream in = f.get("a")) {
            assertThat(in.readAllBytes().length).isEqualTo(5_000);
        }
        f.heal().inject(Operation.GET, Fault.BREAK_STREAM, Trigger.once());
        assertThatThrownBy(() -> {
            try (InputStream in = f.get("a")) {
                in.readAllBytes();
            }
        }).isInstanceOf(java.io.IOException.class).hasMessageContaining("Injected fault");
        try (InputStream in = f.get("a")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void aBackupUnderTransientFaultsCompletesThroughRetriesAndVerifies() throws Exception {
        FaultyBackupTarget faulty = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("repo")), 42)
                .inject(Operation.PUT, Fault.ERROR, Trigger.everyNth(3))
                .inject(Operation.PUT, Fault.LOST_ACK, Trigger.everyNth(7))
                .inject(Operation.GET, Fault.BREAK_STREAM, Trigger.probability(0.3))
                .inject(Operation.GET, Fault.ERROR, Trigger.everyNth(5))
                .inject(Operation.STAT, Fault.ERROR, Trigger.everyNth(4))
                .inject(Operation.LIST, Fault.ERROR, Trigger.everyNth(4))
                .inject(Operation.DELETE, Fault.ERROR, Trigger.everyNth(2))
                .latency(Operation.PUT, Duration.ofMillis(2), Trigger.everyNth(10));
        RetryingBackupTarget target = retrying(faulty);
        Repository repo = Repository.openOrInit(target, RepositoryOptions.DEFAULT, "sys", "test");

        Map<String, byte[]> one = backup(repo, "20261120T020000Z-full", 40);
        Map<String, byte[]> two = backup(repo, "20261121T020000Z-full", 10);

        assertThat(repo.catalog().list()).extracting(BackupManifest::id)
                .containsExactly("20261120T020000Z-full", "20261121T020000Z-full");
        assertThat(repo.catalog().leftovers()).isEmpty();
        var verdict = new ReadDataVerifier(repo).run();
        assertThat(verdict.passed()).as(String.join("; ", verdict.problems())).isTrue();
        for (BackupManifest m : repo.catalog().list()) {
            for (BackupFile f : m.files()) {
                byte[] expected = (one.containsKey(f.objectKey()) ? one : two).get(f.objectKey());
                byte[] read = repo.readVerified(new StoredObject(f.objectKey(), f.sha256(), f.size(), f.storedSize()),
                        InputStream::readAllBytes);
                assertThat(read).isEqualTo(expected);
            }
        }
        new Expiry(repo, new RetentionPolicy.KeepLast(1)).run();
        assertThat(repo.catalog().list()).extracting(BackupManifest::id).containsExactly("20261121T020000Z-full");

        assertThat(faulty.injected(Operation.PUT, Fault.ERROR)).isGreaterThan(10);
        assertThat(faulty.injected(Operation.PUT, Fault.LOST_ACK)).isGreaterThan(3);
        assertThat(faulty.injected(Operation.GET, Fault.BREAK_STREAM)).isGreaterThan(10);
        assertThat(faulty.injected(Operation.DELETE, Fault.ERROR)).isGreaterThan(10);
        assertThat(target.retries()).isGreaterThan(40);
        FaultFigures.record("transient faults survived by a backup+verify+expiry", faulty.injectedTotal());
    }

    @Test
    void integrityFailuresAndExistingObjectsAreNeverRetried() throws Exception {
        FaultyBackupTarget faulty = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("repo")), 1);
        RetryingBackupTarget target = retrying(faulty);
        Repository repo = Repository.openOrInit(target, RepositoryOptions.DEFAULT, "sys", "test");
        StoredObject o = repo.write("backups/x/data/a", new ByteArrayInputStream(new byte[20_000]));

        faulty.inject(Operation.GET, Fault.FLIP_BYTE, Trigger.always(), k -> k.equals(o.key()));
        long gets = faulty.calls(Operation.GET);
        assertThatThrownBy(() -> repo.readVerified(o, InputStream::readAllBytes))
                .isInstanceOf(IntegrityException.class).hasMessageContaining(o.key());
        assertThat(faulty.calls(Operation.GET) - gets).as("one read, no retry of a checksum failure").isEqualTo(1);

        long puts = faulty.calls(Operation.PUT);
        assertThatThrownBy(() -> target.put(o.key(), new ByteArrayInputStream(new byte[1]), WriteOptions.createNew()))
                .isInstanceOf(ObjectAlreadyExistsException.class);
        assertThat(faulty.calls(Operation.PUT) - puts).isEqualTo(1);
        assertThat(target.retries()).isZero();
    }

    @Test
    void aBackupUnderPersistentFaultsFailsCleanlyAndItsLeftoversAreRemovedLater() {
        FaultyBackupTarget faulty = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("repo")), 5);
        RetryingBackupTarget target = retrying(faulty);
        Repository repo = Repository.openOrInit(target, RepositoryOptions.DEFAULT, "sys", "test");
        // the 6th data file can never be written, and nothing can be deleted: the worst case for cleanup
        faulty.inject(Operation.PUT, Fault.ERROR, Trigger.always(), k -> k.contains("/data/base/1/f5."))
                .inject(Operation.DELETE, Fault.ERROR, Trigger.always(), k -> k.startsWith("backups/"));
        assertThatThrownBy(() -> backup(repo, "20261120T020000Z-full", 10))
                .isInstanceOf(StorageException.class).hasMessageContaining("f5").hasMessageContaining("failed 8 times");
        assertThat(repo.catalog().list()).as("no visible backup").isEmpty();
        assertThat(repo.catalog().leftovers()).containsExactly("20261120T020000Z-full");

        // storage recovers: expiry removes the leftovers, the next backup succeeds
        faulty.heal();
        var report = new Expiry(repo, new RetentionPolicy.KeepLast(3), Clock.systemUTC(), Duration.ZERO).run();
        assertThat(report.leftoversRemoved()).containsExactly("20261120T020000Z-full");
        assertThat(repo.catalog().leftovers()).isEmpty();
        backup(repo, "20261120T030000Z-full", 10);
        assertThat(new ReadDataVerifier(repo).run().passed()).isTrue();
        FaultFigures.record("persistent faults failing a backup cleanly", faulty.injectedTotal());
    }

    @Test
    void aPersistentPutFailureWithWorkingDeletesLeavesNothingBehind() {
        FaultyBackupTarget faulty = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("repo")), 5);
        Repository repo = Repository.openOrInit(retrying(faulty), RepositoryOptions.DEFAULT, "sys", "test");
        faulty.inject(Operation.PUT, Fault.ERROR, Trigger.always(), k -> k.endsWith("manifest.json"));
        assertThatThrownBy(() -> backup(repo, "20261120T020000Z-full", 5)).isInstanceOf(StorageException.class)
                .hasMessageContaining("manifest.json");
        assertThat(repo.catalog().list()).isEmpty();
        assertThat(repo.catalog().leftovers()).as("the aborted session removed its objects").isEmpty();
    }

    @Test
    void aCorruptObjectIsNamedOrReadFromTheMirror() throws Exception {
        FaultyBackupTarget primary = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("primary")), 9);
        FaultyBackupTarget secondary = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("secondary")), 10);
        Repository repo = Repository.openOrInit(retrying(MirroredBackupTarget.of(primary, secondary)),
                RepositoryOptions.DEFAULT, "sys", "test");
        Map<String, byte[]> data = backup(repo, "20261120T020000Z-full", 6);
        BackupManifest m = repo.catalog().get("20261120T020000Z-full");

        primary.inject(Operation.GET, Fault.FLIP_BYTE, Trigger.always(), k -> k.contains("/data/"))
                .inject(Operation.GET, Fault.TRUNCATE, Trigger.everyNth(2), k -> k.contains("/data/"));
        for (BackupFile f : m.files()) {
            StoredObject o = new StoredObject(f.objectKey(), f.sha256(), f.size(), f.storedSize());
            assertThat(repo.readVerified(o, InputStream::readAllBytes)).isEqualTo(data.get(f.objectKey()));
        }
        assertThat(primary.injected(Operation.GET, Fault.FLIP_BYTE)).isGreaterThanOrEqualTo(6);
        // verification reads the preferred copy and must report its corruption even though restores still work
        var primaryVerdict = new ReadDataVerifier(repo).run();
        assertThat(primaryVerdict.passed()).isFalse();
        assertThat(String.join("\n", primaryVerdict.problems())).contains(m.files().get(0).objectKey());

        // both copies corrupt: the error names the object
        secondary.inject(Operation.GET, Fault.FLIP_BYTE, Trigger.always(), k -> k.contains("/data/"));
        BackupFile f = m.files().get(0);
        StoredObject o = new StoredObject(f.objectKey(), f.sha256(), f.size(), f.storedSize());
        assertThatThrownBy(() -> repo.readVerified(o, InputStream::readAllBytes))
                .isInstanceOf(IntegrityException.class).hasMessageContaining(f.objectKey());
        FaultFigures.record("corrupt reads detected or repaired from a mirror",
                primary.injectedTotal() + secondary.injectedTotal());
    }

    @Test
    void largeObjectsStreamThroughAndRangedReadsResumeAtTheRightOffset() throws Exception {
        FaultyBackupTarget faulty = FaultyBackupTarget.wrap(FileBackupTarget.of(dir.resolve("repo")), 21);
        RetryingBackupTarget target = RetryingBackupTarget.builder().maxAttempts(4)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(2)).replayBuffer(1024).build(faulty);
        byte[] big = new byte[300_000];
        new Random(3).nextBytes(big);
        // beyond the replay buffer a failed commit cannot be replayed: it fails, and nothing is left behind
        faulty.inject(Operation.PUT, Fault.ERROR, Trigger.once());
        assertThatThrownBy(() -> target.put("big", new ByteArrayInputStream(big), WriteOptions.createNew()))
                .isInstanceOf(StorageException.class).hasMessageContaining("big");
        assertThat(target.exists("big")).isFalse();
        target.put("big", new ByteArrayInputStream(big), WriteOptions.createNew());

        faulty.inject(Operation.GET, Fault.BREAK_STREAM, Trigger.probability(0.6));
        for (long[] r : new long[][] {{0, -1}, {1000, 50_000}, {299_000, -1}, {123_456, 100_000}}) {
            try (InputStream in = target.get("big", io.dr4j.core.storage.ByteRange.of(r[0], r[1]))) {
                int len = (int) (r[1] == -1 ? big.length - r[0] : r[1]);
                assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(big, (int) r[0], (int) r[0] + len));
            }
        }
        assertThat(faulty.injected(Operation.GET, Fault.BREAK_STREAM)).isPositive();
        assertThat(target.toString()).contains("4 attempts");
    }
}
