package io.dr4j.postgres.wal;

import static io.dr4j.postgres.wal.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.dr4j.core.backup.Repository;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input stops the archiver with an error naming the problem and the fix, and writes nothing. */
class WalArchiverBadInputIT {
    @TempDir
    Path tmp;

    private static WalArchiver.Status awaitFailed(WalArchiver a) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (a.status().state() != WalArchiver.State.FAILED) {
            assertThat(System.nanoTime()).as("archiver fails: %s", a.status()).isLessThan(deadline);
            Thread.sleep(50);
        }
        return a.status();
    }

    @Test
    void wrongRepositoryMissingReplicationRightAndNewerTimelineInTheRepository() throws Exception {
        try (ScratchCluster pg = cluster(pg15()).start()) {
            // a repository of another system
            Repository other = repository(tmp.resolve("other"), "7000000000000000001");
            try (WalArchiver a = archiver(pg, other, tmp.resolve("s1"), "bad_one").build().start()) {
                WalArchiver.Status s = awaitFailed(a);
                assertThat(s.lastError()).contains("belongs to system 7000000000000000001").contains(systemId(pg));
                assertThatThrownBy(() -> a.awaitArchived(1, Duration.ofSeconds(1))).isInstanceOf(WalArchiverException.class);
            }
            assertThat(other.wal().timelines()).isEmpty();

            // a role without REPLICATION
            exec(pg, "create role plain login");
            Repository repo = repository(tmp.resolve("repo"), systemId(pg));
            try (WalArchiver a = archiver(pg, repo, tmp.resolve("s2"), "bad_two").user("plain").build().start()) {
                WalArchiver.Status s = awaitFailed(a);
                assertThat(s.lastError()).contains("REPLICATION");
            }
            assertThat(query(pg, "select count(*) from pg_replication_slots")).isEqualTo("0");

            // the repository holds a newer timeline than the server: a restored copy aimed at the original's repository
            Path f = Files.createDirectories(tmp.resolve("f"));
            new WalPush(repo).push(Files.write(f.resolve("000000030000000000000009"), new byte[] {1, 2, 3}));
            try (WalArchiver a = archiver(pg, repo, tmp.resolve("s3"), "bad_three").build().start()) {
                WalArchiver.Status s = awaitFailed(a);
                assertThat(s.lastError()).contains("timeline 3").contains("own repository");
            }
            assertThat(repo.wal().timelines()).containsExactly("00000003");
        }
    }
}
