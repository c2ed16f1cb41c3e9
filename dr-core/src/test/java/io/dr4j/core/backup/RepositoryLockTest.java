package io.dr4j.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.dr4j.core.internal.json.Json;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.WriteOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryLockTest {
    @TempDir
    Path dir;

    Repository repo() {
        return Repository.openOrInit(FileBackupTarget.of(dir), RepositoryOptions.DEFAULT, "sys", "postgresql");
    }

    @Test
    void secondTakerWaitsThenGetsItWhenReleased() throws Exception {
        Repository r = repo();
        RepositoryLock first = RepositoryLock.acquire(r, "repository", "backup A", Duration.ZERO, Duration.ofMinutes(5));
        CompletableFuture<RepositoryLock> second = CompletableFuture.supplyAsync(() ->
                RepositoryLock.acquire(r, "repository", "backup B", Duration.ofSeconds(20), Duration.ofMinutes(5)));
        Thread.sleep(700);
        assertThat(second).isNotDone();
        first.close();
        RepositoryLock b = second.get(10, TimeUnit.SECONDS);
        assertThat(b.holder().purpose()).isEqualTo("backup B");
        b.close();
        assertThat(r.target().exists("locks/repository.json")).isFalse();
    }

    @Test
    void aLockOfADeadProcessOrWithoutHeartbeatIsBroken() {
        Repository r = repo();
        // a holder on this host whose process is gone
        RepositoryLock.Holder dead = new RepositoryLock.Holder("t1", "backup X", hostName(), Long.MAX_VALUE - 1,
                Instant.now(), Instant.now());
        r.target().put("locks/repository.json", new ByteArrayInputStream(Json.write(dead)), WriteOptions.createNew());
        try (RepositoryLock l = RepositoryLock.acquire(r, "repository", "backup Y", Duration.ZERO, Duration.ofMinutes(5))) {
            assertThat(l.holder().purpose()).isEqualTo("backup Y");
        }
        // another host, silent for longer than the stale period
        RepositoryLock.Holder silent = new RepositoryLock.Holder("t2", "backup Z", "other-host", 1,
                Instant.now().minusSeconds(3600), Instant.now().minusSeconds(600));
        r.target().put("locks/repository.json", new ByteArrayInputStream(Json.write(silent)), WriteOptions.createNew());
        try (RepositoryLock l = RepositoryLock.acquire(r, "repository", "backup W", Duration.ZERO, Duration.ofMinutes(5))) {
            assertThat(l.holder().purpose()).isEqualTo("backup W");
        }
        // a live holder on another host is respected
        RepositoryLock.Holder live = new RepositoryLock.Holder("t3", "backup V", "other-host", 1, Instant.now(), Instant.now());
        r.target().put("locks/repository.json", new ByteArrayInputStream(Json.write(live)), WriteOptions.createNew());
        assertThatThrownBy(() -> RepositoryLock.acquire(r, "repository", "expiry", Duration.ofMillis(300), Duration.ofMinutes(5)))
                .isInstanceOf(RepositoryLock.RepositoryLockedException.class)
                .hasMessageContaining("backup V (host other-host");
    }

    @Test
    void aHolderWhoseLockWasTakenOverFindsOutAndMustNotCommit() throws Exception {
        Repository r = repo();
        RepositoryLock mine = RepositoryLock.acquire(r, "repository", "backup A", Duration.ZERO, Duration.ofSeconds(4));
        mine.checkHeld();
        // another process broke the lock (as if this one had been frozen longer than the stale period)
        r.target().delete("locks/repository.json");
        try (RepositoryLock other = RepositoryLock.acquire(r, "repository", "backup B", Duration.ZERO, Duration.ofSeconds(4))) {
            Thread.sleep(2500); // heartbeats every second notice the takeover
            assertThatThrownBy(mine::checkHeld).isInstanceOf(RepositoryLock.RepositoryLockedException.class)
                    .hasMessageContaining("was broken by another process");
            mine.close(); // must not delete the other holder's lock
            assertThat(RepositoryLock.read(r, "locks/repository.json")).get()
                    .extracting(RepositoryLock.Holder::purpose).isEqualTo("backup B");
        }
    }

    @Test
    void sessionsReleaseTheLockOnCommitAndOnAbort() {
        Repository r = repo();
        try (BackupSession s = r.catalog().begin("20261120T020000Z-full")) {
            assertThat(r.target().exists("locks/repository.json")).isTrue();
        }
        assertThat(r.target().exists("locks/repository.json")).isFalse();
        BackupSession s = r.catalog().begin("20261120T030000Z-full");
        s.commit(new BackupManifest(1, s.id(), BackupType.FULL, null, "sys", "postgresql", Instant.now(), Instant.now(),
                java.util.Map.of(), java.util.Map.of(), java.util.List.of(), 0, 0));
        assertThat(r.target().exists("locks/repository.json")).isFalse();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }
}
