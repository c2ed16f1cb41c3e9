package io.dr4j.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

import io.dr4j.core.DrException;
import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.restore.RestoreFailedException;

import org.jspecify.annotations.Nullable;

/**
 * What keeps a failed restore from being mistaken for a good one: free space checked before writing, a marker
 * file while the restore runs ({@value #MARKER}; a new restore refuses the directory unless it resumes it as a delta
 * restore), {@code global/pg_control} restored last and removed first (see {@link RestoreDownload}), and a disk-full
 * error that names the directory and the space needed and free.
 */
final class RestoreSpace {
    /** Present while a restore writes into the directory. */
    static final String MARKER = "dr4j-restore.incomplete";
    private static final String CONTROL = RestoreDownload.CONTROL_FILE;

    private RestoreSpace() {
    }

    /** Bytes of the backup's files in the data directory itself (tablespaces may live elsewhere). */
    static long needed(BackupManifest backup) {
        return backup.files().stream().filter(f -> f.kind() == BackupFile.Kind.FILE)
                .filter(f -> !f.path().startsWith("pg_tblspc/")).mapToLong(BackupFile::size).sum();
    }

    /** Free bytes where {@code dir} is (or would be created), or -1 when unknown. */
    static long free(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return -1;
        }
        try {
            FileStore store = Files.getFileStore(p);
            return store.getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Refuses before anything is written when the backup does not fit (option {@code check-free-space=false} skips). */
    static void checkFree(BackupManifest backup, Path dest) {
        long need = needed(backup);
        long free = free(dest);
        if (free >= 0 && free < need) {
            throw new RestoreFailedException("Not enough space for backup " + backup.id() + " in " + dest + ": it needs "
                    + bytes(need) + ", " + bytes(free) + " are free there. Free space or restore elsewhere (a "
                    + "file system that compresses may fit it anyway: option check-free-space=false). Nothing was written");
        }
    }

    /** Before writing: the marker, and (delta) no {@code pg_control} until the restore is complete. */
    static void markIncomplete(Path dest, String backupId, boolean delta) throws IOException {
        if (delta) {
            Files.deleteIfExists(dest.resolve(CONTROL));
        }
        Files.writeString(dest.resolve(MARKER), "dr4j restore of backup " + backupId + " started " + Instant.now()
                + ". While this file is here the restore has not finished: global/pg_control is written last.\n",
                StandardCharsets.UTF_8);
    }

    static void markComplete(Path dest) throws IOException {
        Files.deleteIfExists(dest.resolve(MARKER));
    }

    /** The exception to throw for a failure of the download phase: disk full gets the sizes and the way out. */
    static RuntimeException explain(Throwable e, BackupManifest backup, Path dest) {
        Throwable full = noSpace(e);
        if (full == null) {
            if (e instanceof DrException d) {
                return d;
            }
            if (e instanceof RuntimeException r && !(e instanceof java.io.UncheckedIOException)) {
                return r;
            }
            return new RestoreFailedException("Restore into " + dest + " failed: " + e.getMessage(), e);
        }
        String file = full instanceof FileSystemException fs && fs.getFile() != null ? " writing " + fs.getFile() : "";
        return new RestoreFailedException("No space left on device" + file + " while restoring backup " + backup.id()
                + " into " + dest + ": the backup needs " + bytes(needed(backup)) + " there, " + bytes(Math.max(0,
                free(dest))) + " are free now. " + dest + " is incomplete (no global/pg_control, so no server starts "
                + "on it): free space, then run the restore again with --delta to resume, or remove the directory", e);
    }

    private static @Nullable Throwable noSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s (%d bytes)", v, units[u], n);
    }
}
