package io.dr4j.postgres.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupSession;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.core.backup.RepositoryOptions;
import io.dr4j.core.backup.StoredObject;
import io.dr4j.core.restore.RecoveryTarget;
import io.dr4j.core.restore.RestoreRequest;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.postgres.PostgresRestoreStrategy;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A physical restore of a manifest written by an attacker (or damaged) must not write outside the destination.
 * Uses only the public API: a repository crafted with {@code BackupSession}, restored with
 * {@code PostgresRestoreStrategy} without starting a server.
 */
class HostilePhysicalManifestTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"../escaped.txt", "base/../../escaped.txt", "/ABS/escaped.txt", "link-out/escaped.txt"})
    void aManifestEntryOutsideTheDataDirectoryIsRefused(String hostilePath) throws Exception {
        Path outside = dir.resolve("outside");
        Files.createDirectories(outside);
        String path = hostilePath.replace("/ABS", outside.toString());
        Repository repo = Repository.openOrInit(FileBackupTarget.of(dir.resolve("repo")), RepositoryOptions.DEFAULT,
                "7300000000000000001", "postgresql");
        Path walFile = dir.resolve("wal");
        Files.write(walFile, new byte[1024]);
        repo.wal().push("000000010000000000000002", walFile);
        String id = "20261120T020000Z-full";
        List<BackupFile> files = new ArrayList<>();
        try (BackupSession s = repo.catalog().begin(id)) {
            StoredObject o = s.writeFile("PG_VERSION", new ByteArrayInputStream("15\n".getBytes(StandardCharsets.UTF_8)));
            files.add(new BackupFile("PG_VERSION", BackupFile.Kind.FILE, o.size(), o.storedSize(), o.sha256(), o.key(),
                    null, null, 0600, null, null));
            if (path.startsWith("link-out/")) {
                files.add(BackupFile.link("link-out", outside.toString()));
            }
            StoredObject evil = s.writeFile("payload", new ByteArrayInputStream("owned".getBytes(StandardCharsets.UTF_8)));
            files.add(new BackupFile(path, BackupFile.Kind.FILE, evil.size(), evil.storedSize(), evil.sha256(), evil.key(),
                    null, null, 0600, null, null));
            Instant t = Instant.parse("2026-11-20T02:00:00Z");
            s.commit(new BackupManifest(1, id, BackupType.FULL, null, "7300000000000000001", "postgresql", t,
                    t.plusSeconds(5), Map.of("startLsn", "0/2000028", "stopLsn", "0/2000100", "timeline", "1",
                    "majorVersion", "15"), Map.of(), files, 0, 0));
        }
        Path dest = dir.resolve("restore/data");
        assertThatThrownBy(() -> PostgresRestoreStrategy.builder().build().restore(repo,
                RestoreRequest.to(dest).withBackup(id).withTarget(RecoveryTarget.immediate()).withStart(false)))
                .hasMessageContaining("outside");
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
        assertThat(dir.resolve("restore/escaped.txt")).doesNotExist();
        assertThat(outside.resolve("escaped.txt")).doesNotExist();
    }
}
