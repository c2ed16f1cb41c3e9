package io.dr4j.postgres.reliability;

import java.nio.file.Path;

import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.postgres.logical.DumpFormat;
import io.dr4j.postgres.logical.PgTarget;
import io.dr4j.postgres.logical.PostgresLogicalBackup;

import org.slf4j.LoggerFactory;

/** The process that gets killed: a logical backup of database {@code app} at {@code 127.0.0.1:<port>}. */
public final class LogicalCrashChild {
    private LogicalCrashChild() {
    }

    public static void main(String[] args) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        PostgresLogicalBackup source = source(Integer.parseInt(args[1]));
        Repository repo = Repository.openOrInit(FileBackupTarget.of(Path.of(args[0])), RepositoryOptions.DEFAULT,
                source.systemId(), "postgresql");
        System.out.println("STARTED");
        System.out.flush();
        source.backup(repo, BackupRequest.of(BackupType.LOGICAL));
        System.out.println("DONE");
        System.out.flush();
    }

    static PostgresLogicalBackup source(int port) {
        return PostgresLogicalBackup.builder().target(new PgTarget("127.0.0.1", port, "postgres", null, "app"))
                .format(DumpFormat.DIRECTORY).jobs(2).build();
    }
}
