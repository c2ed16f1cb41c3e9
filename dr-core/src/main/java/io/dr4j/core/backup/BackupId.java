package io.dr4j.core.backup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

import io.dr4j.core.ConfigurationException;

/**
 * Backup ids: {@code 20261126T020000.123Z-full} (UTC start with milliseconds, then the type), sortable by time, and
 * distinct for backups started in the same second. Only letters, digits, {@code . _ -}; never a path.
 */
public final class BackupId {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private BackupId() {
    }

    /** A new id for a backup started at {@code start}. */
    public static String generate(Instant start, BackupType type) {
        return FORMAT.format(start) + "-" + type.id();
    }

    /** Returns the id when it is a safe id, else throws naming the problem. */
    public static String validate(String id) {
        if (id == null || !VALID.matcher(id).matches() || id.contains("..")) {
            throw new ConfigurationException("Invalid backup id '" + (id == null ? "null" : id.replaceAll("\\p{Cntrl}", "?"))
                    + "': ids have 1-128 characters from letters, digits, '.', '_' and '-' (e.g. 20261126T020000Z-full)");
        }
        return id;
    }
}
