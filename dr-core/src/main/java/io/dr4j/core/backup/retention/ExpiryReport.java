package io.dr4j.core.backup.retention;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What an expiry did.
 *
 * @param deletedBackups  backups deleted
 * @param deletedWal      WAL files deleted
 * @param leftoversRemoved leftovers of failed backups removed
 * @param skippedLocked   backups not deleted because their objects are locked, with the lock date
 * @param bytesFreed      stored bytes freed
 * @param dryRun          nothing was deleted: this is what would be
 * @param duration        how long it took
 */
public record ExpiryReport(List<String> deletedBackups, int deletedWal, List<String> leftoversRemoved,
                           Map<String, String> skippedLocked, long bytesFreed, boolean dryRun, Duration duration) {
    public ExpiryReport {
        deletedBackups = List.copyOf(deletedBackups);
        leftoversRemoved = List.copyOf(leftoversRemoved);
        skippedLocked = Map.copyOf(skippedLocked);
    }
}
