package io.dr4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.spi.NoSuchProviderException;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.FileBackupTargetProvider;
import io.dr4j.core.storage.spi.BackupTargetProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DisasterRecoveryProvidersTest {
    @TempDir
    Path dir;

    private static ProviderConfig empty() {
        return ProviderConfig.from(new Properties(), java.util.Map.of());
    }

    @Test
    void explicitProvidersOpenTheLocationWithoutServiceLoader() {
        try (DisasterRecovery dr = DisasterRecovery.configure().config(empty()).repository(dir.toUri())
                .backupTargetProviders(List.of(new FileBackupTargetProvider())).load()) {
            assertThat(dr.target()).isInstanceOf(FileBackupTarget.class);
            assertThat(((FileBackupTarget) dr.target()).root()).isEqualTo(dir.toAbsolutePath().normalize());
        }
    }

    @Test
    void onlyTheGivenProvidersAreConsidered() {
        BackupTargetProvider other = new BackupTargetProvider() {
            @Override
            public String id() {
                return "other";
            }

            @Override
            public Set<String> schemes() {
                return Set.of("other");
            }

            @Override
            public String artifact() {
                return "test";
            }

            @Override
            public BackupTarget create(URI location, ProviderConfig config) {
                throw new AssertionError("not for file: locations");
            }
        };
        // ServiceLoader would find dr-core's file provider: the explicit list has none for file:
        assertThatThrownBy(() -> DisasterRecovery.configure().config(empty()).repository(dir.toUri())
                .backupTargetProviders(List.of(other)).load()).isInstanceOf(NoSuchProviderException.class);
    }
}
