package io.dr4j.core.backup;

import org.jspecify.annotations.Nullable;

/**
 * An object the repository wrote through its codec.
 *
 * @param key        repository key (with the format extension)
 * @param sha256     SHA-256 of the original bytes
 * @param crc32c     CRC-32C of the original bytes (8 hex digits), what a restore checks; null for objects described
 *                   by a manifest written before it was recorded (a restore checks their SHA-256)
 * @param size       original size
 * @param storedSize stored size
 */
public record StoredObject(String key, String sha256, @Nullable String crc32c, long size, long storedSize) {
    /** An object known by its SHA-256 only. */
    public StoredObject(String key, String sha256, long size, long storedSize) {
        this(key, sha256, null, size, storedSize);
    }
}
