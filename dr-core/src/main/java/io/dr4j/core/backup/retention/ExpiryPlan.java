package io.dr4j.core.backup.retention;

import java.util.List;
import java.util.Map;

import io.dr4j.core.backup.WalSegment;

/**
 * What an expiry would do (a dry run shows this), and why.
 *
 * @param keep          ids of backups kept, with the reason for each
 * @param delete        ids of backups to delete, oldest first
 * @param locked        ids that would be deleted but are locked (immutable objects), with the lock date
 * @param walToDelete   archived WAL files to delete
 * @param walKeptFrom   the oldest WAL position kept (segment name without timeline), or null when no WAL is needed
 * @param leftovers     ids of failed-backup leftovers to remove (older than the grace period)
 * @param bytesToFree   stored bytes freed
 */
public record ExpiryPlan(Map<String, String> keep, List<String> delete, Map<String, String> locked,
                         List<WalSegment> walToDelete, String walKeptFrom, List<String> leftovers, long bytesToFree) {
    public ExpiryPlan {
        keep = Map.copyOf(keep);
        delete = List.copyOf(delete);
        locked = Map.copyOf(locked);
        walToDelete = List.copyOf(walToDelete);
        leftovers = List.copyOf(leftovers);
    }

    public boolean isEmpty() {
        return delete.isEmpty() && walToDelete.isEmpty() && leftovers.isEmpty();
    }
}
