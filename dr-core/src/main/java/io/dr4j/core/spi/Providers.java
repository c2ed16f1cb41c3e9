package io.dr4j.core.spi;

import java.util.List;

import io.dr4j.core.deploy.spi.DeployerProvider;
import io.dr4j.core.internal.spi.ServiceRegistry;
import io.dr4j.core.storage.spi.BackupTargetProvider;

/**
 * The installed providers of every SPI, found with {@link java.util.ServiceLoader}. Explicit instances passed to
 * builders never go through here.
 */
public final class Providers {
    private Providers() {
    }

    /** Backup target providers on the class path of {@code Providers}' class loader and the context loader. */
    public static ServiceRegistry<BackupTargetProvider> backupTargets() {
        return ServiceRegistry.of(BackupTargetProvider.class, "backup target", "dr.storage.provider");
    }

    public static ServiceRegistry<DeployerProvider> deployers() {
        return ServiceRegistry.of(DeployerProvider.class, "deployer", "dr.deploy.provider");
    }

    /** The ids of the installed backup target providers (for help texts). */
    public static List<String> backupTargetIds() {
        return backupTargets().providers().stream().map(BackupTargetProvider::id).toList();
    }
}
