package io.dr4j.tck.crash;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
import io.dr4j.core.backup.retention.Expiry;
import io.dr4j.core.backup.retention.RetentionPolicy;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.tck.FaultyBackupTarget;
import io.dr4j.tck.FaultyBackupTarget.Operation;
import io.dr4j.tck.FaultyBackupTarget.Trigger;

import org.slf4j.LoggerFactory;

/**
 * The process that gets killed: {@code backup <repo> <id>} writes a backup of small files, {@code expire <repo>}
 * applies keep-last-2. Storage calls are slowed a little (FaultyBackupTarget latency) so that a kill lands inside
 * the work. Prints STARTED when the work begins and DONE when it is complete.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        FaultyBackupTarget target = FaultyBackupTarget.wrap(FileBackupTarget.of(Path.of(args[1])), 1)
                .latency(Operation.PUT, Duration.ofMillis(2), Trigger.always())
                .latency(Operation.DELETE, Duration.ofMillis(2), Trigger.always());
        Repository repo = Repository.openOrInit(target, RepositoryOptions.DEFAULT, "sys", "test");
        System.out.println("STARTED");
        System.out.flush();
        if (args[0].equals("backup")) {
            backup(repo, args[2], 15);
        } else {
            new Expiry(repo, new RetentionPolicy.KeepLast(2), Clock.systemUTC(), Duration.ZERO).run();
        }
        System.out.println("DONE");
        System.out.flush();
    }

    /** A backup of {@code files} random files of 1-8 KiB. */
    public static void backup(Repository repo, String id, int files) {
        Random r = new Random(id.hashCode());
        List<BackupFile> list = new ArrayList<>();
        try (BackupSession s = repo.catalog().begin(id, Duration.ofSeconds(30))) {
            for (int i = 0; i < files; i++) {
                byte[] b = new byte[1024 + r.nextInt(7 * 1024)];
                r.nextBytes(b);
                StoredObject o = s.writeFile("base/1/f" + i, new ByteArrayInputStream(b));
                list.add(new BackupFile("base/1/f" + i, BackupFile.Kind.FILE, o.size(), o.storedSize(), o.sha256(),
                        o.key(), null, null, 0600, null, null));
            }
            Instant t = Instant.now();
            s.commit(new BackupManifest(1, id, BackupType.FULL, null, "sys", "test", t, t, Map.of(), Map.of(), list,
                    0, 0));
        }
    }
}
