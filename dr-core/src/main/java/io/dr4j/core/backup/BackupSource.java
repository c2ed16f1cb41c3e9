package io.dr4j.core.backup;

/**
 * What is backed up: a PostgreSQL cluster or database. Produces the files of a backup and its metadata into a
 * {@link Repository}, making it visible only when complete.
 */
public interface BackupSource extends AutoCloseable {

    /** e.g. {@code "postgresql"}. */
    String kind();

    /** The identity of the system backed up (PostgreSQL system identifier); a repository holds one system. */
    String systemId();

    /**
     * Takes a backup.
     *
     * @throws BackupFailedException when it could not complete; nothing partial stays visible
     */
    BackupResult backup(Repository repository, BackupRequest request);

    @Override
    default void close() {
    }
}
