package io.dr4j.postgres.reliability;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

import io.dr4j.core.backup.BackupFile;
import io.dr4j.core.backup.BackupManifest;
import io.dr4j.core.restore.RestoreFailedException;

/**
 * Keeps a restore inside its destination whatever the manifest says. A manifest may be damaged or written by an
 * attacker who can write to the repository; a restore runs with the rights of the database owner or root.
 *
 * <ul>
 *   <li>{@link #check(BackupManifest)} refuses, before anything is written, entries whose path is absolute, has a
 *       {@code ..}, empty or {@code .} segment, a backslash or a control character; symbolic links other than
 *       {@code pg_tblspc/<oid>} and {@code pg_wal}; and entries below a link (other than a tablespace's).</li>
 *   <li>{@link #resolve(Path, String)} resolves one path for writing and refuses it when it leaves the destination,
 *       lexically or through a symbolic link that exists on disk.</li>
 * </ul>
 */
public final class SafeRestorePaths {
    private SafeRestorePaths() {
    }

    /**
     * Checks every entry of a physical backup manifest.
     *
     * @throws RestoreFailedException naming the first offending entry
     */
    public static void check(BackupManifest manifest) {
        Set<String> links = new HashSet<>();
        for (BackupFile f : manifest.files()) {
            checkRelative(manifest, f.path());
            if (f.kind() == BackupFile.Kind.LINK) {
                boolean tablespace = f.path().matches("pg_tblspc/\\d+");
                if (!tablespace && !f.path().equals("pg_wal")) {
                    throw refused(manifest, f.path(), "a symbolic link outside pg_tblspc/ (to " + f.linkTarget() + ")");
                }
                if (!tablespace) {
                    links.add(f.path());
                }
            }
        }
        for (BackupFile f : manifest.files()) {
            for (String link : links) {
                if (f.path().startsWith(link + "/")) {
                    throw refused(manifest, f.path(), "an entry below the symbolic link " + link);
                }
            }
        }
    }

    private static void checkRelative(BackupManifest m, String path) {
        if (path.isEmpty() || path.startsWith("/") || path.indexOf('\\') >= 0) {
            throw refused(m, path, "not a relative path");
        }
        for (int i = 0; i < path.length(); i++) {
            if (Character.isISOControl(path.charAt(i))) {
                throw refused(m, path, "a control character");
            }
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw refused(m, path, "an empty, '.' or '..' segment");
            }
        }
    }

    private static RestoreFailedException refused(BackupManifest m, String path, String why) {
        return new RestoreFailedException("Backup " + m.id() + " lists '" + path.replaceAll("\\p{Cntrl}", "?")
                + "', " + why + ": it would write outside the data directory. The manifest is damaged or was "
                + "tampered with; restore another backup");
    }

    /**
     * {@code dest.resolve(relative)}, refused when it leaves {@code dest} lexically or through a symbolic link that
     * already exists (the deepest existing ancestor is resolved to its real path).
     *
     * @throws RestoreFailedException naming the path
     */
    public static Path resolve(Path dest, String relative) {
        return resolve(dest, relative, true, Set.of());
    }

    /**
     * Like {@link #resolve(Path, String)}, looking at no component that is in {@code checked}: directories that the
     * caller resolved with {@link #resolve(Path, String)} earlier in the same restore (and made). Never paths of
     * {@link #resolveLink} or {@link #lexical}: a link among them would be followed unchecked.
     */
    public static Path resolve(Path dest, String relative, Set<Path> checked) {
        return resolve(dest, relative, true, checked);
    }

    /**
     * Like {@link #resolve(Path, String)} for an entry that is itself a symbolic link to be (re)created: the link
     * may already exist and point anywhere (a tablespace), only its location is checked.
     */
    public static Path resolveLink(Path dest, String relative) {
        return resolve(dest, relative, false, Set.of());
    }

    /**
     * {@code dest.resolve(relative)}, refused when it leaves {@code dest} lexically; no look at the disk. What
     * {@link #resolve(Path, String)} returns for the same arguments, for bookkeeping (which paths a restore makes) by
     * code that resolves the path for writing later.
     *
     * @throws RestoreFailedException naming the path
     */
    public static Path lexical(Path dest, String relative) {
        Path root = dest.toAbsolutePath().normalize();
        Path p = root.resolve(relative).normalize();
        if (Path.of(relative).isAbsolute() || !p.startsWith(root) || p.equals(root)) {
            throw new RestoreFailedException("'" + relative + "' is outside the restore destination " + root);
        }
        return p;
    }

    /*
     * Cost: called once per restored file, by the thread that writes it (the list of what a restore makes uses
     * #lexical), with the directories the restore made in `checked`: one lstat per file then. Only the components
     * below the destination are looked at, one lstat each, top down; the destination's real path is asked for only
     * when a symbolic link is met (toRealPath reads every component from "/" with readlink: ~13 failing readlink calls
     * per path, ~26,000 per restore, when it ran for the destination and the deepest existing directory of every path).
     */
    private static Path resolve(Path dest, String relative, boolean checkExistingLink, Set<Path> checked) {
        Path root = dest.toAbsolutePath().normalize();
        Path p = lexical(root, relative);
        try {
            Path realRoot = null;
            Path dir = root;
            Path below = root.relativize(p);
            int last = below.getNameCount() - 1;
            for (int i = 0; i <= last; i++) {
                Path next = dir.resolve(below.getName(i));
                if (i < last && checked.contains(next)) {
                    dir = next;
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (FileSystemException gone) {
                    break; // nothing exists below here (or a file is in the way: writing there fails by itself)
                }
                if (a.isSymbolicLink()) {
                    if (i == last && !checkExistingLink) {
                        break; // a link to be re-created: it may point anywhere
                    }
                    if (realRoot == null) {
                        realRoot = root.toRealPath(); // exists: a link was found in it
                    }
                    Path real = next.toRealPath();
                    if (!real.startsWith(realRoot)) {
                        throw i == last
                                ? new RestoreFailedException("'" + relative + "' is a symbolic link to " + real
                                        + ", outside the restore destination " + root)
                                : new RestoreFailedException("'" + relative + "' leads outside the restore destination "
                                        + root + " through the symbolic link " + next + " -> " + real);
                    }
                } else if (!a.isDirectory()) {
                    break;
                }
                dir = next;
            }
        } catch (IOException e) {
            throw new RestoreFailedException("Could not check '" + relative + "' in " + root + ": " + e.getMessage(), e);
        }
        return p;
    }
}
