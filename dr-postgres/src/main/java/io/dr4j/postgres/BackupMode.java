package io.dr4j.postgres;

import java.util.Locale;

/** How a physical backup reads the cluster. */
public enum BackupMode {
    /** Reads the data directory itself (pg_backup_start/stop on a held session); needs the data directory. */
    DIRECT,
    /** {@code pg_basebackup -Ft -X none -D -} over a replication connection; needs no file access. */
    STREAM,
    /** Direct when the data directory is readable, else stream. */
    AUTO;

    public static BackupMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PostgresException("Unknown backup mode '" + s + "': use direct, stream or auto");
        }
    }
}
