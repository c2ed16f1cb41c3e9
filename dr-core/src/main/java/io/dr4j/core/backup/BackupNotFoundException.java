package io.dr4j.core.backup;

/** No complete backup has that id. */
public class BackupNotFoundException extends RepositoryException {
    private static final long serialVersionUID = 1L;

    public BackupNotFoundException(String message) {
        super(message);
    }
}
