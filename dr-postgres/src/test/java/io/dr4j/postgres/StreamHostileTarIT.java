package io.dr4j.postgres;

import static io.dr4j.postgres.PgTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.dr4j.core.backup.BackupFailedException;
import io.dr4j.core.backup.BackupRequest;
import io.dr4j.core.backup.BackupType;
import io.dr4j.core.backup.Repository;
import io.dr4j.postgres.cluster.PostgresBinaries;
import io.dr4j.postgres.cluster.ScratchCluster;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream mode fed a hostile tar stream: a {@code pg_basebackup} that prints a prepared tar (a stand-in for a
 * compromised server or something in between) against a real cluster. Every hostile stream is refused with an error
 * naming the entry; no backup is listed, no object is stored outside the backup's prefix and nothing is written
 * outside the repository.
 */
class StreamHostileTarIT {
    @TempDir
    Path tmp;

    /** A tar: a few ordinary entries, then {@code hostile}. */
    static byte[] tar(Consumer<TarArchiveOutputStream> hostile) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            dir(t, "base");
            file(t, "PG_VERSION", "15\n".getBytes(StandardCharsets.US_ASCII));
            file(t, "base/1/1259", new byte[8192]);
            hostile.accept(t);
            t.finish();
        }
        return bytes.toByteArray();
    }

    static void dir(TarArchiveOutputStream t, String name) {
        try {
            TarArchiveEntry e = new TarArchiveEntry(name + "/");
            t.putArchiveEntry(e);
            t.closeArchiveEntry();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    static void file(TarArchiveOutputStream t, String name, byte[] data) {
        try {
            TarArchiveEntry e = new TarArchiveEntry(name, true); // keep absolute names as given
            e.setSize(data.length);
            t.putArchiveEntry(e);
            t.write(data);
            t.closeArchiveEntry();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    static void link(TarArchiveOutputStream t, String name, String target, byte flag) {
        try {
            TarArchiveEntry e = new TarArchiveEntry(name, flag, true);
            e.setLinkName(target);
            t.putArchiveEntry(e);
            t.closeArchiveEntry();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    static void special(TarArchiveOutputStream t, String name, byte flag) {
        link(t, name, "", flag);
    }

    /** A header that promises {@code size} bytes, followed by far fewer (the stream ends). */
    static byte[] truncatedAfterHeader(String name, long size) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TarArchiveOutputStream t = new TarArchiveOutputStream(bytes);
        t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        dir(t, "base");
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        t.putArchiveEntry(e);
        t.write(new byte[10_000]);
        t.flush();
        return bytes.toByteArray(); // never finished: the stream ends inside the entry
    }

    @Test
    void hostileTarStreamsAreRefusedAndLeaveNoBackup() throws Exception {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        cases.put("dot-dot", tar(t -> file(t, "base/../../escape", new byte[10])));
        expected.put("dot-dot", "'..' path segment");
        cases.put("dot-dot-first", tar(t -> file(t, "../escape", new byte[10])));
        expected.put("dot-dot-first", "'..' path segment");
        cases.put("absolute", tar(t -> file(t, "/tmp/dr4j-hostile-absolute", new byte[10])));
        expected.put("absolute", "an absolute path");
        cases.put("control-char", tar(t -> file(t, "base/a\nb", new byte[10])));
        expected.put("control-char", "a control character");
        cases.put("symlink-out", tar(t -> link(t, "base/evil", "/etc", TarConstants.LF_SYMLINK)));
        expected.put("symlink-out", "a symbolic link outside pg_tblspc/");
        cases.put("tablespace-dot-dot", tar(t -> link(t, "pg_tblspc/16385", "/srv/../etc", TarConstants.LF_SYMLINK)));
        expected.put("tablespace-dot-dot", "a symbolic link to '/srv/../etc'");
        cases.put("tablespace-relative", tar(t -> link(t, "pg_tblspc/16386", "../../../etc", TarConstants.LF_SYMLINK)));
        expected.put("tablespace-relative", "a symbolic link to '../../../etc'");
        cases.put("hard-link", tar(t -> link(t, "global/pg_control", "/etc/shadow", TarConstants.LF_LINK)));
        expected.put("hard-link", "a hard link");
        cases.put("fifo", tar(t -> special(t, "base/fifo", TarConstants.LF_FIFO)));
        expected.put("fifo", "a device or FIFO");
        cases.put("char-device", tar(t -> special(t, "base/null", TarConstants.LF_CHR)));
        expected.put("char-device", "a device or FIFO");
        cases.put("huge-size", truncatedAfterHeader("base/1/huge", 1L << 40));
        expected.put("huge-size", "a size of 1099511627776 bytes");
        cases.put("truncated-in-file", truncatedAfterHeader("base/1/2000", 50L << 20));
        expected.put("truncated-in-file", "ended or broke in entry 'base/1/2000'");
        byte[] garbage = new byte[3000];
        new java.util.Random(3).nextBytes(garbage);
        byte[] good = tar(t -> { });
        byte[] cut = Arrays.copyOf(good, 512 * 3 + 100); // cut inside the third entry's data
        cases.put("cut-short", cut);
        expected.put("cut-short", "ended before backup_manifest");
        byte[] withGarbage = Arrays.copyOf(good, 512 * 4 + garbage.length);
        System.arraycopy(garbage, 0, withGarbage, 512 * 4, garbage.length);
        cases.put("garbage-header", withGarbage);
        expected.put("garbage-header", "ended or broke");
        cases.put("no-end", tar(t -> { }));
        expected.put("no-end", "ended before backup_manifest");

        try (ScratchCluster pg = ScratchCluster.builder().binaries(pg15()).start()) {
            Path bin = tmp.resolve("fake-bin");
            Files.createDirectories(bin);
            Path real = pg15().tool("postgres").getParent();
            for (String tool : List.of("postgres", "initdb", "pg_ctl")) {
                Files.createSymbolicLink(bin.resolve(tool), real.resolve(tool));
            }
            Path script = bin.resolve("pg_basebackup");
            PostgresBinaries fake = null;
            String sysId = query(pg, "select system_identifier::text from pg_control_system()");
            Path repoDir = tmp.resolve("repo");
            Repository repo = repository(repoDir, sysId);
            List<String> messages = new ArrayList<>();
            for (Map.Entry<String, byte[]> c : cases.entrySet()) {
                Path stream = tmp.resolve(c.getKey() + ".tar");
                Files.write(stream, c.getValue());
                Files.writeString(script, "#!/bin/sh\nexec cat '" + stream + "'\n");
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
                if (fake == null) {
                    fake = PostgresBinaries.at(bin);
                }
                PostgresBackupSource source = PostgresBackupSource.builder(handle(pg)).mode(BackupMode.STREAM)
                        .clientTools(fake).build();
                assertThatThrownBy(() -> source.backup(repo, BackupRequest.of(BackupType.FULL)))
                        .as(c.getKey()).isInstanceOf(BackupFailedException.class)
                        .hasMessageContaining(expected.get(c.getKey()))
                        .satisfies(ex -> messages.add(c.getKey() + ": " + ex.getMessage()));
                assertThat(repo.catalog().list()).as("%s: no backup listed", c.getKey()).isEmpty();
                try (Stream<Path> s = Files.walk(repoDir)) {
                    assertThat(s.filter(Files::isRegularFile).map(p -> repoDir.relativize(p).toString()))
                            .as("%s: nothing but the repository's own objects", c.getKey())
                            .allSatisfy(k -> assertThat(k).doesNotContain("..").matches(
                                    "repository\\.json|backups/[^/]+/data/(PG_VERSION|base/1/1259)[^/]*|locks/.*|status/.*"));
                }
            }
            assertThat(Path.of("/tmp/dr4j-hostile-absolute")).doesNotExist();
            assertThat(tmp.resolve("escape")).doesNotExist();

            // the stand-in is honest about benign input: the refusals above came from the checks
            Files.write(tmp.resolve("benign.tar"), tar(t -> {
                file(t, "base/1/1260", new byte[100]);
                file(t, "backup_manifest", "{}".getBytes(StandardCharsets.US_ASCII));
            }));
            Files.writeString(script, "#!/bin/sh\nexec cat '" + tmp.resolve("benign.tar") + "'\n");
            PostgresBackupSource benign = PostgresBackupSource.builder(handle(pg)).mode(BackupMode.STREAM)
                    .clientTools(fake).build();
            assertThatThrownBy(() -> benign.backup(repo, BackupRequest.of(BackupType.FULL)))
                    .isInstanceOf(BackupFailedException.class).hasMessageContaining("sent no backup_label");
            System.out.println("FIGURE hostile tar streams refused: " + cases.size());
            messages.forEach(m -> System.out.println("  " + m.lines().findFirst().orElse("")));
        }
    }
}
