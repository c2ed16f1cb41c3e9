package io.dr4j.postgres.backup;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a physical backup leaves out, following pg_basebackup ({@code basebackup.c}: {@code excludeDirContents},
 * {@code excludeFiles}, temporary files and relations, unlogged relations' non-init forks) — the directories
 * themselves are kept, empty, so the restored cluster starts.
 */
public final class Exclusions {
    /** Directories whose contents are skipped (the directory is kept). */
    public static final Set<String> DIR_CONTENTS = Set.of("pg_wal", "pg_xlog", "pg_stat_tmp", "pg_replslot",
            "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");
    /** Files skipped anywhere in the top directory. */
    public static final Set<String> FILES = Set.of("postgresql.auto.conf.tmp", "current_logfiles.tmp",
            "backup_label", "tablespace_map", "postmaster.pid", "postmaster.opts", "backup_manifest",
            "backup_label.old", "recovery.signal", "standby.signal");
    private static final Pattern TEMP_RELATION = Pattern.compile("t\\d+_\\d+(_(fsm|vm|init))?(\\.\\d+)?");
    /** Files whose pages are not checksummed even though they live in relation directories. */
    private static final Set<String> NO_CHECKSUM = Set.of("pg_control", "pg_filenode.map", "pg_internal.init",
            "PG_VERSION", "config_exec_params");
    private static final Pattern RELATION = Pattern.compile("\\d+(_(fsm|vm|init))?(\\.\\d+)?");

    private Exclusions() {
    }

    /** Whether the contents of directory {@code rel} (relative to the data directory) are skipped. */
    public static boolean skipContents(String rel) {
        return DIR_CONTENTS.contains(rel);
    }

    /** Whether {@code name}, a file or directory in directory {@code dir} ("" = the top), is skipped entirely. */
    public static boolean skip(String dir, String name) {
        if (dir.isEmpty() && FILES.contains(name)) {
            return true;
        }
        if (name.startsWith("pgsql_tmp") || name.startsWith("pg_internal.init")) {
            return true;
        }
        return TEMP_RELATION.matcher(name).matches() && isRelationDir(dir);
    }

    private static String parentOf(String rel) {
        int i = rel.lastIndexOf('/');
        return i < 0 ? "" : rel.substring(0, i);
    }

    /** Whether a directory holds relation files: {@code global}, {@code base/<oid>}, {@code pg_tblspc/<oid>/<v>/<oid>}. */
    public static boolean isRelationDir(String dir) {
        return dir.equals("global") || dir.matches("base/\\d+") || dir.matches("pg_tblspc/\\d+/[^/]+/\\d+");
    }

    /** Whether page checksums of this file are verified (relation files in relation directories). */
    public static boolean isChecksummed(String rel) {
        String dir = parentOf(rel);
        String name = rel.substring(rel.lastIndexOf('/') + 1);
        return isRelationDir(dir) && !NO_CHECKSUM.contains(name) && RELATION.matcher(name).matches();
    }

    /** The segment number of a relation file ({@code 16384.2} is 2), for block numbers. */
    public static long segmentNumber(String rel) {
        String name = rel.substring(rel.lastIndexOf('/') + 1);
        int dot = name.indexOf('.');
        return dot < 0 ? 0 : Long.parseLong(name.substring(dot + 1));
    }

    /** For an unlogged relation file {@code 16384[_fsm|_vm][.N]}, the relation's filenode, else null. */
    public static @org.jspecify.annotations.Nullable String fileNode(String name) {
        var m = RELATION.matcher(name);
        if (!m.matches()) {
            return null;
        }
        int end = name.length();
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                end = i;
                break;
            }
        }
        return name.substring(0, end);
    }
}
