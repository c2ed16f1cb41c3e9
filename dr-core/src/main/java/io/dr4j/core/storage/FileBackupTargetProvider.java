package io.dr4j.core.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.storage.spi.BackupTargetProvider;

/** Provides {@link FileBackupTarget} for {@code file:} URIs. */
public final class FileBackupTargetProvider implements BackupTargetProvider {

    @Override
    public String id() {
        return "file";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public String artifact() {
        return "io.dr4j:dr-core";
    }

    @Override
    public BackupTarget create(URI location, ProviderConfig config) {
        if (location.getAuthority() != null && !location.getAuthority().isEmpty()
                && !"localhost".equals(location.getAuthority())) {
            throw new ConfigurationException("file: locations are local paths; '" + location
                    + "' names a host. Use file:/path or file:///path");
        }
        if (location.getPath() == null || location.getPath().isEmpty()) {
            throw new ConfigurationException("file: location '" + location + "' has no path. Use file:/var/backups/db");
        }
        return FileBackupTarget.of(Path.of(location));
    }
}
