package io.dr4j.postgres.logical;

import java.util.Locale;

import io.dr4j.core.ConfigurationException;

/** pg_dump output formats dr4j stores. */
public enum DumpFormat {
    /** {@code pg_dump -Fd -j N}: one file per table, dumped and restored in parallel; uploaded as files complete. */
    DIRECTORY("directory"),
    /** {@code pg_dump -Fc}: one archive, streamed straight into the repository; restored with pg_restore -j. */
    CUSTOM("custom"),
    /** {@code pg_dump -Fp}: plain SQL stored as {@code <db>_<yyyyMMdd_HHmmss>.sql.gz}, readable by gunzip and psql. */
    PLAIN("plain");

    private final String id;

    DumpFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static DumpFormat parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        for (DumpFormat f : values()) {
            if (f.id.equals(v) || f.id.substring(0, 1).equals(v)) {
                return f;
            }
        }
        throw new ConfigurationException("Unknown dump format '" + s + "'. Use directory, custom or plain");
    }
}
