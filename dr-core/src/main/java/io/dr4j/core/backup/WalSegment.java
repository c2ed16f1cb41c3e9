package io.dr4j.core.backup;

import org.jspecify.annotations.Nullable;

/**
 * A WAL file in the repository.
 *
 * @param timeline   8 hex digits, e.g. {@code 00000001}
 * @param name       the WAL file name: a 24-hex-digit segment, {@code 00000002.history} or a {@code .backup} file
 * @param sha256     SHA-256 of the original bytes (null for a partial segment)
 * @param key        repository key
 * @param storedSize stored bytes
 * @param partial    a partial (still growing) segment, replaced as it grows
 */
public record WalSegment(String timeline, String name, @Nullable String sha256, String key, long storedSize,
                         boolean partial) {

    /** Whether this is a 16 MiB (or configured size) segment rather than a history or backup-label file. */
    public boolean isSegment() {
        return WalArchive.isSegmentName(name);
    }
}
