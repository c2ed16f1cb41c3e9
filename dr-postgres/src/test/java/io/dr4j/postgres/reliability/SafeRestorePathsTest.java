package io.dr4j.postgres.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.restore.RestoreFailedException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeRestorePathsTest {
    @TempDir
    Path dir;

    static BackupFile file(String path) {
        return new BackupFile(path, BackupFile.Kind.FILE, 1, 1, "00", "k", null, null, 0600, null, null);
    }

    static BackupManifest manifest(List<BackupFile> files) {
        Instant t = Instant.parse("2026-11-20T02:00:00Z");
        return new BackupManifest(1, "20261120T020000Z-full", BackupType.FULL, null, "sys", "postgresql", t, t,
                Map.of(), Map.of(), files, 0, 0);
    }

    @Test
    void aNormalManifestPasses() {
        SafeRestorePaths.check(manifest(List.of(BackupFile.directory("base", 0700), file("base/1/1259"),
                file("PG_VERSION"), BackupFile.link("pg_tblspc/16384", "/mnt/space"), file("pg_tblspc/16384/PG_15/1/2"),
                BackupFile.link("pg_wal", "/mnt/wal"), file("global/pg_control"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escaped", "base/../../escaped", "/etc/cron.d/x", "a//b", "./x", "a\\..\\b", "a\0b",
            "link-out", "pg_wal/000000010000000000000001"})
    void hostileEntriesAreRefusedBeforeAnythingIsWritten(String path) {
        List<BackupFile> files = path.equals("link-out") ? List.of(BackupFile.link("link-out", "/etc"))
                : path.startsWith("pg_wal/") ? List.of(BackupFile.link("pg_wal", "/var/lib/wal"), file(path))
                : List.of(file("PG_VERSION"), file(path));
        assertThatThrownBy(() -> SafeRestorePaths.check(manifest(files))).isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("20261120T020000Z-full").hasMessageContaining("outside the data directory");
    }

    @Test
    void resolvingRefusesPathsThatLeaveTheDestinationOnDisk() throws Exception {
        Path dest = Files.createDirectories(dir.resolve("data"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(dest.resolve("evil"), outside);
        Files.createSymbolicLink(dest.resolve("evil-file"), outside.resolve("x"));
        Files.writeString(outside.resolve("x"), "x");
        Files.createDirectories(dest.resolve("base/1"));
        assertThat(SafeRestorePaths.resolve(dest, "base/1/1259")).isEqualTo(dest.resolve("base/1/1259"));
        assertThat(SafeRestorePaths.resolve(dest, "base/2/new/1")).isEqualTo(dest.resolve("base/2/new/1"));
        for (String p : List.of("../x", "/etc/passwd", "evil/owned", "evil/deeper/owned", "evil-file", "base/../../x")) {
            assertThatThrownBy(() -> SafeRestorePaths.resolve(dest, p)).as(p).isInstanceOf(RestoreFailedException.class)
                    .hasMessageContaining("outside the restore destination");
        }
    }

    @Test
    void theLexicalPathIsTheResolvedOneWithoutLookingAtTheDisk() throws Exception {
        Path dest = Files.createDirectories(dir.resolve("data"));
        Files.createSymbolicLink(dest.resolve("evil"), Files.createDirectories(dir.resolve("outside")));
        for (String p : List.of("base/1/1259", "base/2/new/1", "PG_VERSION")) {
            assertThat(SafeRestorePaths.lexical(dest, p)).as(p).isEqualTo(SafeRestorePaths.resolve(dest, p));
        }
        // a link on disk is the writer's check (resolve), not this one's
        assertThat(SafeRestorePaths.lexical(dest, "evil/owned")).isEqualTo(dest.resolve("evil/owned"));
        assertThatThrownBy(() -> SafeRestorePaths.resolve(dest, "evil/owned"))
                .isInstanceOf(RestoreFailedException.class);
        for (String p : List.of("../x", "/etc/passwd", "base/../../x", ".")) {
            assertThatThrownBy(() -> SafeRestorePaths.lexical(dest, p)).as(p).isInstanceOf(RestoreFailedException.class)
                    .hasMessageContaining("outside the restore destination");
        }
    }

    @Test
    void directoriesCheckedBeforeAreSkippedAndWhatIsBelowThemIsStillChecked() throws Exception {
        Path dest = Files.createDirectories(dir.resolve("data"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("x"), "x");
        Path base = SafeRestorePaths.resolve(dest, "base/5");
        Files.createDirectories(base);
        java.util.Set<Path> checked = java.util.Set.of(dest.resolve("base"), base);
        assertThat(SafeRestorePaths.resolve(dest, "base/5/16396", checked)).isEqualTo(dest.resolve("base/5/16396"));
        Files.createSymbolicLink(base.resolve("evil"), outside);
        Files.createSymbolicLink(base.resolve("evil-file"), outside.resolve("x"));
        for (String p : List.of("base/5/evil/owned", "base/5/evil-file", "base/../../x")) {
            assertThatThrownBy(() -> SafeRestorePaths.resolve(dest, p, checked)).as(p)
                    .isInstanceOf(RestoreFailedException.class).hasMessageContaining("outside the restore destination");
        }
    }

    @Test
    void linksDeeperInTheDestinationAreCheckedAndLinksWithinItAreFollowed() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("x"), "x");
        Path real = Files.createDirectories(dir.resolve("real-data"));
        // the destination itself given through a link (a mount point's alias, say), with links inside it
        Path dest = Files.createSymbolicLink(dir.resolve("data"), real);
        Files.createDirectories(real.resolve("base/1"));
        Files.createSymbolicLink(real.resolve("base/alias"), real.resolve("base/1"));
        Files.createSymbolicLink(real.resolve("base/1/evil"), outside);
        Files.createSymbolicLink(real.resolve("base/1/evil-file"), outside.resolve("x"));
        Files.createSymbolicLink(real.resolve("base/1/dangling"), dir.resolve("nowhere"));
        Files.createSymbolicLink(real.resolve("pg_wal"), outside);

        assertThat(SafeRestorePaths.resolve(dest, "base/alias/1259")).isEqualTo(dest.resolve("base/alias/1259"));
        assertThat(SafeRestorePaths.resolve(dest, "base/1/new/1259")).isEqualTo(dest.resolve("base/1/new/1259"));
        for (String p : List.of("base/1/evil/x", "base/alias/evil/x", "base/1/evil/deeper/x", "base/1/evil-file",
                "base/alias/evil-file", "pg_wal/000000010000000000000001")) {
            assertThatThrownBy(() -> SafeRestorePaths.resolve(dest, p)).as(p).isInstanceOf(RestoreFailedException.class)
                    .hasMessageContaining("outside the restore destination");
        }
        assertThatThrownBy(() -> SafeRestorePaths.resolve(dest, "base/1/dangling/x"))
                .isInstanceOf(RestoreFailedException.class).hasMessageContaining("Could not check");
        // a link the restore re-creates (pg_wal, a tablespace) may point anywhere: only where it is matters
        assertThat(SafeRestorePaths.resolveLink(dest, "pg_wal")).isEqualTo(dest.resolve("pg_wal"));
        assertThatThrownBy(() -> SafeRestorePaths.resolveLink(dest, "base/1/evil/link"))
                .isInstanceOf(RestoreFailedException.class).hasMessageContaining("through the symbolic link");
    }
}
