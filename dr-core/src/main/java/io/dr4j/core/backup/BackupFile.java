package io.dr4j.core.backup;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a backup: a file, directory or symbolic link of the source, and where its bytes are stored.
 *
 * @param path        relative path in the source, '/'-separated (e.g. {@code base/16384/1259})
 * @param kind        file, directory or link
 * @param size        original size in bytes (files)
 * @param storedSize  stored size after compression and encryption
 * @param sha256      SHA-256 of the original bytes (files)
 * @param objectKey   repository key of the stored object (files with content); may belong to an earlier backup
 * @param fromBackup  when the object belongs to an earlier backup (diff/incr reference), that backup's id
 * @param modifiedAt  source modification time
 * @param mode        POSIX permission bits, e.g. 0600, or -1 when unknown
 * @param linkTarget  target of a symbolic link
 * @param attributes  source-specific facts (e.g. {@code tablespace}, {@code checksumErrors})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupFile(String path, Kind kind, long size, long storedSize, @Nullable String sha256,
                        @Nullable String objectKey, @Nullable String fromBackup, @Nullable Instant modifiedAt,
                        int mode, @Nullable String linkTarget, @Nullable Map<String, String> attributes) {

    public enum Kind { FILE, DIRECTORY, LINK }

    public BackupFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        attributes = attributes == null || attributes.isEmpty() ? null : Map.copyOf(attributes);
    }

    public static BackupFile directory(String path, int mode) {
        return new BackupFile(path, Kind.DIRECTORY, 0, 0, null, null, null, null, mode, null, null);
    }

    public static BackupFile link(String path, String target) {
        return new BackupFile(path, Kind.LINK, 0, 0, null, null, null, null, -1, target, null);
    }

    public Map<String, String> attributesOrEmpty() {
        return attributes == null ? Map.of() : attributes;
    }

    /** The same file stored by an earlier backup, referenced rather than copied again. */
    public BackupFile referencedFrom(String backupId) {
        return new BackupFile(path, kind, size, storedSize, sha256, objectKey,
                fromBackup == null ? backupId : fromBackup, modifiedAt, mode, linkTarget, attributes);
    }
}
