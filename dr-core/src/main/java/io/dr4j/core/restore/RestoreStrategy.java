package io.dr4j.core.restore;

import io.dr4j.core.backup.Repository;

/**
 * How a backup becomes a running system again: physical restore, point-in-time recovery, logical restore.
 *
 * <p>Every strategy checks what it can before touching the destination (the backup exists, the WAL needed is in
 * the repository, the destination is empty unless delta) and throws {@link RestoreFailedException} naming the
 * problem and the fix, leaving the destination unchanged.
 */
public interface RestoreStrategy {

    /** Short id, e.g. {@code "postgres-physical"}, {@code "postgres-logical"}. */
    String id();

    /** Restores from {@code repository} as {@code request} says. */
    RestoreResult restore(Repository repository, RestoreRequest request);
}
