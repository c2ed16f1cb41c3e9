package io.dr4j.core.backup;

import java.util.Locale;

import io.dr4j.core.ConfigurationException;

/** Kinds of backups. */
public enum BackupType {
    /** Every file copied. */
    FULL("full"),
    /** Files changed since the last FULL backup copied; the rest referenced from it. */
    DIFF("diff"),
    /** Files changed since the last backup of any type copied; the rest referenced. */
    INCR("incr"),
    /** A logical dump (pg_dump). */
    LOGICAL("logical");

    private final String id;

    BackupType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static BackupType parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        for (BackupType t : values()) {
            if (t.id.equals(v) || t.name().equalsIgnoreCase(v)
                    || (t == DIFF && v.equals("differential")) || (t == INCR && v.equals("incremental"))) {
                return t;
            }
        }
        throw new ConfigurationException("Unknown backup type '" + s + "'. Use full, diff, incr or logical");
    }
}
