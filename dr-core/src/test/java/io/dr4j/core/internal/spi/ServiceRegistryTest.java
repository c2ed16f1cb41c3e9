package io.dr4j.core.internal.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.spi.AmbiguousProviderException;
import io.dr4j.core.spi.NoSuchProviderException;
import io.dr4j.core.spi.Providers;
import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.BackupTargets;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.FileBackupTargetProvider;
import io.dr4j.core.storage.MirroredBackupTargetProvider;
import io.dr4j.core.storage.spi.BackupTargetProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceRegistryTest {
    @TempDir
    Path dir;

    /** A provider for the made-up scheme "vault", under several ids and priorities. */
    static class VaultProvider implements BackupTargetProvider {
        private final String id;
        private final int priority;

        VaultProvider(String id, int priority) {
            this.id = id;
            this.priority = priority;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Set<String> schemes() {
            return Set.of("vault");
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public String artifact() {
            return "com.example:dr-" + id;
        }

        @Override
        public BackupTarget create(URI location, ProviderConfig config) {
            return FileBackupTarget.of(Path.of(System.getProperty("java.io.tmpdir"), "vault-" + id));
        }
    }

    static class OtherVaultProvider extends VaultProvider {
        OtherVaultProvider() {
            super("vault-b", 0);
        }
    }

    private static ServiceRegistry<BackupTargetProvider> registry(BackupTargetProvider... ps) {
        return ServiceRegistry.ofInstances(BackupTargetProvider.class, "backup target", "dr.storage.provider",
                List.of(ps));
    }

    @Test
    void theInstalledProvidersAreFoundWithServiceLoader() {
        assertThat(Providers.backupTargets().providers()).hasAtLeastOneElementOfType(FileBackupTargetProvider.class)
                .hasAtLeastOneElementOfType(MirroredBackupTargetProvider.class);
        assertThat(Providers.backupTargetIds()).contains("file", "mirror");
    }

    @Test
    void anUnknownSchemeNamesTheSchemeTheInstalledProvidersAndTheArtifactToAdd() {
        assertThatThrownBy(() -> BackupTargets.open(URI.create("s3://bucket/prefix"), ProviderConfig.empty()))
                .isInstanceOf(NoSuchProviderException.class)
                .hasMessageContaining("s3://bucket/prefix")
                .hasMessageContaining("file (file://, io.dr4j:dr-core)")
                .hasMessageContaining("mirror")
                .hasMessageContaining("io.dr4j:dr-storage-s3");
        assertThatThrownBy(() -> BackupTargets.open(URI.create("ftp://host/x"), ProviderConfig.empty(),
                registry(new FileBackupTargetProvider())))
                .isInstanceOf(NoSuchProviderException.class)
                .hasMessageContaining("ftp://host/x").hasMessageContaining("The scheme 'ftp' is unknown")
                .hasMessageContaining("io.dr4j.core.storage.spi.BackupTargetProvider");
        assertThatThrownBy(() -> BackupTargets.open(URI.create("gs://b/p"), ProviderConfig.empty(), registry()))
                .isInstanceOf(NoSuchProviderException.class)
                .hasMessageContaining("No backup target providers are installed")
                .hasMessageContaining("io.dr4j:dr-storage-gcs");
    }

    @Test
    void credentialsInTheLocationAreNotEchoed() {
        assertThatThrownBy(() -> BackupTargets.open(URI.create("s3://AKIAXXX:hunter2@bucket/p?secret=1"),
                ProviderConfig.empty(), registry()))
                .isInstanceOf(NoSuchProviderException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("secret=1"));
    }

    @Test
    void twoProvidersForOneSchemeAreAnErrorListingBothAndHowToChoose() {
        var reg = registry(new VaultProvider("vault-a", 0), new OtherVaultProvider());
        assertThatThrownBy(() -> BackupTargets.open(URI.create("vault://x"), ProviderConfig.empty(), reg))
                .isInstanceOf(AmbiguousProviderException.class)
                .hasMessageContaining("vault-a (" + VaultProvider.class.getName() + ")")
                .hasMessageContaining("vault-b (" + OtherVaultProvider.class.getName() + ")")
                .hasMessageContaining("-Ddr.storage.provider=<id>")
                .hasMessageContaining("pass an instance explicitly")
                .hasMessageContaining("remove one of the jars");
    }

    @Test
    void theSelectionPropertyOrAHigherPriorityResolvesTheAmbiguity() {
        var reg = registry(new VaultProvider("vault-a", 0), new OtherVaultProvider());
        System.setProperty("dr.storage.provider", "vault-b");
        try {
            BackupTargetProvider chosen = reg.select("vault://x", p -> p.supports(URI.create("vault://x")),
                    BackupTargetProvider::id, BackupTargetProvider::priority, BackupTargetProvider::id, "");
            assertThat(chosen.id()).isEqualTo("vault-b");
        } finally {
            System.clearProperty("dr.storage.provider");
        }
        var prioritized = registry(new VaultProvider("vault-a", 10), new OtherVaultProvider());
        assertThat(prioritized.select("vault://x", p -> p.supports(URI.create("vault://x")), BackupTargetProvider::id,
                BackupTargetProvider::priority, BackupTargetProvider::id, "").id()).isEqualTo("vault-a");
    }

    @Test
    void providersThatFailToLoadAreReportedNotHidden() throws Exception {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(BackupTargetProvider.class.getName()),
                "com.example.MissingProvider\n" + FileBackupTargetProvider.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ServiceRegistryTest.class.getClassLoader())) {
            var reg = ServiceRegistry.of(BackupTargetProvider.class, "backup target", "dr.storage.provider",
                    List.of(loader));
            assertThat(reg.providers()).hasAtLeastOneElementOfType(FileBackupTargetProvider.class);
            assertThat(reg.providers().stream().filter(p -> p instanceof FileBackupTargetProvider)).hasSize(1);
            assertThat(reg.failures()).anyMatch(f -> f.contains("com.example.MissingProvider"));
            assertThatThrownBy(() -> BackupTargets.open(URI.create("vault://x"), ProviderConfig.empty(), reg))
                    .isInstanceOf(NoSuchProviderException.class)
                    .hasMessageContaining("failed to load").hasMessageContaining("com.example.MissingProvider");
        }
    }

    @Test
    void explicitInstancesWorkWithoutServiceLoader() {
        var reg = registry(new VaultProvider("vault-a", 0));
        try (BackupTarget t = BackupTargets.open(URI.create("vault://x"), ProviderConfig.empty(), reg)) {
            assertThat(t).isInstanceOf(FileBackupTarget.class);
        }
        assertThat(reg.byId("vault-a", BackupTargetProvider::id)).isNotNull();
        assertThat(reg.byId("nope", BackupTargetProvider::id)).isNull();
    }
}
