package io.dr4j.core.backup;

/**
 * An object the repository wrote through its codec.
 *
 * @param key        repository key (with the format extension)
 * @param sha256     SHA-256 of the original bytes
 * @param size       original size
 * @param storedSize stored size
 */
public record StoredObject(String key, String sha256, long size, long storedSize) {
}
