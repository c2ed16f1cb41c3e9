package io.dr4j.postgres.reliability;

import java.util.Locale;

import io.dr4j.core.backup.BackupFailedException;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Checks each entry of the tar stream {@code pg_basebackup -Ft} sends in stream mode before anything of it is stored:
 * the stream comes over the network from a server that may be compromised (or a proxy in between), and its names end
 * up in the manifest, the object keys and, at restore, in paths on disk.
 *
 * <p>Refused: names that are empty, absolute, hold a {@code ..} segment, a backslash or a control character;
 * symbolic links other than {@code pg_tblspc/<oid>} (a tablespace) and {@code pg_wal}, and any link whose target
 * holds a {@code ..} segment or (for {@code pg_wal}) is relative; hard links, devices and FIFOs; negative sizes and
 * sizes beyond {@link #MAX_FILE_SIZE}. A stream cut short fails in the tar reader and is reported with the entry
 * (see {@link #truncated}).
 */
public final class StreamTarEntries {
    /** Larger than any file of a data directory (relation segments are at most 1 GiB by default, 32 GiB at most). */
    public static final long MAX_FILE_SIZE = 64L << 30;

    private StreamTarEntries() {
    }

    /**
     * The entry's path relative to the data directory ({@code ./} and trailing slashes removed).
     *
     * @throws BackupFailedException naming the entry and why it is refused
     */
    public static String check(TarArchiveEntry e) {
        String raw = e.getName();
        String rel = raw.replaceAll("/+$", "");
        if (rel.startsWith("./")) {
            rel = rel.substring(2);
        }
        if (rel.isEmpty() || rel.equals(".")) {
            throw refused(raw, "an empty name");
        }
        if (rel.startsWith("/")) {
            throw refused(raw, "an absolute path");
        }
        if (rel.indexOf('\\') >= 0) {
            throw refused(raw, "a backslash");
        }
        for (int i = 0; i < rel.length(); i++) {
            if (Character.isISOControl(rel.charAt(i))) {
                throw refused(raw, "a control character");
            }
        }
        for (String seg : rel.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw refused(raw, "a '" + seg + "' path segment");
            }
        }
        if (e.isSymbolicLink()) {
            String target = e.getLinkName();
            boolean tablespace = rel.matches("pg_tblspc/\\d+");
            if (!tablespace && !rel.equals("pg_wal")) {
                throw refused(raw, "a symbolic link outside pg_tblspc/ (to " + printable(target) + ")");
            }
            if (target == null || target.isEmpty() || target.chars().anyMatch(Character::isISOControl)
                    || ("/" + target + "/").contains("/../") || !target.startsWith("/")) {
                throw refused(raw, "a symbolic link to '" + printable(target) + "' (tablespaces and pg_wal link to "
                        + "absolute paths without '..')");
            }
        } else if (e.isLink()) {
            throw refused(raw, "a hard link (to " + printable(e.getLinkName()) + ")");
        } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
            throw refused(raw, "a device or FIFO");
        } else if (!e.isDirectory() && !e.isFile()) {
            throw refused(raw, "an entry of tar type '" + (char) e.getLinkFlag() + "'");
        }
        if (e.getSize() < 0 || e.getSize() > MAX_FILE_SIZE) {
            throw refused(raw, "a size of " + e.getSize() + " bytes");
        }
        return rel;
    }

    /** The error for a stream that ended or broke inside {@code entry} (null: before the first entry). */
    public static BackupFailedException truncated(String entry, Exception cause) {
        return new BackupFailedException("The tar stream from pg_basebackup ended or broke" + (entry == null ? ""
                : " in entry '" + printable(entry) + "'") + ": " + cause.getMessage() + ". Nothing of this backup is "
                + "visible; check the server and the network, then run the backup again", cause);
    }

    private static BackupFailedException refused(String name, String why) {
        return new BackupFailedException("pg_basebackup sent a tar entry '" + printable(name) + "' with " + why
                + ": refused, nothing of this backup is visible. A data directory holds no such entry; check the "
                + "server (and whatever is between it and dr4j)");
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(Character.isISOControl(c) ? String.format(Locale.ROOT, "\\u%04x", (int) c) : c);
        }
        return b.length() > 200 ? b.substring(0, 200) + "..." : b.toString();
    }
}
