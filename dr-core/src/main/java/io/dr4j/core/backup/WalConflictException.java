package io.dr4j.core.backup;

/** A WAL file was pushed again with different content: never overwritten, always an error. */
public class WalConflictException extends RepositoryException {
    private static final long serialVersionUID = 1L;

    public WalConflictException(String message) {
        super(message);
    }
}
