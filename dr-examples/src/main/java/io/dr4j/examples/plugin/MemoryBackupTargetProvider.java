package io.dr4j.examples.plugin;

import java.net.URI;
import java.util.Set;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.spi.BackupTargetProvider;

/**
 * Registers {@code mem://<name>} with ServiceLoader (see {@code META-INF/services/
 * io.dr4j.core.storage.spi.BackupTargetProvider} in this module): the whole of what a storage plugin adds.
 */
public final class MemoryBackupTargetProvider implements BackupTargetProvider {
    @Override
    public String id() {
        return "mem";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("mem");
    }

    @Override
    public String artifact() {
        return "io.dr4j:dr-examples";
    }

    @Override
    public BackupTarget create(URI location, ProviderConfig config) {
        if (location.getHost() == null || location.getHost().isBlank()) {
            throw new ConfigurationException("mem: locations need a name: mem://<name>, was " + location);
        }
        return MemoryBackupTarget.named(location.getHost());
    }
}
