package io.dr4j.postgres.wal;

import java.nio.file.Path;

import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.storage.FileBackupTarget;

/**
 * A WAL archiver in its own JVM, for tests that SIGKILL it: {@code ArchiverChild <jdbcUrl> <user> <repoDir> <spoolDir>
 * <slot> <systemId>}. Prints STARTED once it runs (the protocol of
 * {@link io.dr4j.tck.crash.CrashHarness}), then its status every 500 ms until killed.
 */
public final class ArchiverChild {
    private ArchiverChild() {
    }

    public static void main(String[] args) throws Exception {
        Repository repo = Repository.openOrInit(FileBackupTarget.of(Path.of(args[2])), RepositoryOptions.DEFAULT, args[5],
                "postgresql");
        WalArchiver archiver = WalArchiver.builder().jdbcUrl(args[0]).user(args[1]).repository(repo)
                .spoolDir(Path.of(args[3])).slotName(args[4]).build().start();
        System.out.println("STARTED"); // CrashHarness: the archiver runs
        while (true) {
            System.out.println("STATUS " + archiver.status());
            System.out.flush();
            Thread.sleep(500);
        }
    }
}
