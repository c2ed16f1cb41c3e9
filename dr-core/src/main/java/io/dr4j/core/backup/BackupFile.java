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
 * @param crc32c      CRC-32C of the original bytes (files; 8 hex digits): what a restore checks each file against
 *                    (the SHA-256 is checked by {@code verify}, and by restores of files whose entry has none: those
 *                    written before it was recorded)
 * @param objectKey   repository key of the stored object (files with content); may belong to an earlier backup
 * @param fromBackup  when the object belongs to an earlier backup (diff/incr reference), that backup's id
 * @param modifiedAt  source modification time
 * @param mode        POSIX permission bits, e.g. 0600, or -1 when unknown
 * @param linkTarget  target of a symbolic link
 * @param attributes  source-specific facts (e.g. {@code tablespace}, {@code checksumErrors})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupFile(String path, Kind kind, long size, long storedSize, @Nullable String sha256,
                        @Nullable String crc32c, @Nullable String objectKey, @Nullable String fromBackup,
                        @Nullable Instant modifiedAt, int mode, @Nullable String linkTarget, @Nullable Map<String, String> attributes) {

    public enum Kind { FILE, DIRECTORY, LINK }

    @com.fasterxml.jackson.annotation.JsonCreator
    public BackupFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        attributes = attributes == null || attributes.isEmpty() ? null : Map.copyOf(attributes);
    }

    /** An entry without a CRC-32C (as backups made before it was recorded have them). */
    public BackupFile(String path, Kind kind, long size, long storedSize, @Nullable String sha256,
                      @Nullable String objectKey, @Nullable String fromBackup, @Nullable Instant modifiedAt, int mode,
                      @Nullable String linkTarget, @Nullable Map<String, String> attributes) {
        this(path, kind, size, storedSize, sha256, null, objectKey, fromBackup, modifiedAt, mode, linkTarget,
                attributes);
    }

    /** A file stored as {@code object}. */
    public static BackupFile stored(String path, StoredObject object, @Nullable Instant modifiedAt, int mode,
                                    @Nullable Map<String, String> attributes) {
        return new BackupFile(path, Kind.FILE, object.size(), object.storedSize(), object.sha256(), object.crc32c(),
                object.key(), null, modifiedAt, mode, null, attributes);
    }

    public static BackupFile directory(String path, int mode) {
        return new BackupFile(path, Kind.DIRECTORY, 0, 0, null, null, null, null, null, mode, null, null);
    }

    public static BackupFile link(String path, String target) {
        return new BackupFile(path, Kind.LINK, 0, 0, null, null, null, null, null, -1, target, null);
    }

    public Map<String, String> attributesOrEmpty() {
        return attributes == null ? Map.of() : attributes;
    }

    /** The same file stored by an earlier backup, referenced rather than copied again. */
    public BackupFile referencedFrom(String backupId) {
        return new BackupFile(path, kind, size, storedSize, sha256, crc32c, objectKey,
                fromBackup == null ? backupId : fromBackup, modifiedAt, mode, linkTarget, attributes);
    }
}
