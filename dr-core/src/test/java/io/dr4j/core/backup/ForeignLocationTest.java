package io.dr4j.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.storage.FileBackupTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repository is not created among another tool's files unless asked to. */
class ForeignLocationTest {
    @TempDir
    Path dir;

    @Test
    void aNonEmptyForeignLocationIsRefusedNamingItsFilesAndTheOverride() throws Exception {
        Files.createDirectories(dir.resolve("archive/20261101"));
        Files.writeString(dir.resolve("archive/20261101/base.tar.gz"), "x");
        Files.writeString(dir.resolve("backup.info"), "[db]");
        assertThatThrownBy(() -> Repository.openOrInit(FileBackupTarget.of(dir), RepositoryOptions.DEFAULT, "sys", "pg"))
                .isInstanceOf(RepositoryException.class).hasMessageContaining("not empty")
                .hasMessageContaining("backup.info").hasMessageContaining("archive/20261101/base.tar.gz")
                .hasMessageContaining("dr.repository.init-non-empty").hasMessageContaining("--init-non-empty");
        assertThat(dir.resolve(RepositoryDescriptor.KEY)).doesNotExist();

        // the explicit override, through the configuration as the CLI and applications set it
        try (DisasterRecovery dr = DisasterRecovery.configure().repository(dir.toUri())
                .config(ProviderConfig.from(new Properties(), Map.of("DR_REPOSITORY_INIT_NON_EMPTY", "true"))).load();
             Repository r = dr.openRepository("sys", "pg")) {
            assertThat(r.descriptor().systemId()).isEqualTo("sys");
        }
        // once created, it opens without the override
        assertThat(Repository.openOrInit(FileBackupTarget.of(dir), RepositoryOptions.DEFAULT, "sys", "pg").descriptor()
                .systemId()).isEqualTo("sys");
    }

    @Test
    void anEmptyLocationOrOneWithOnlyDr4jObjectsIsInitialised() throws Exception {
        Path empty = dir.resolve("empty");
        assertThat(Repository.openOrInit(FileBackupTarget.of(empty), RepositoryOptions.DEFAULT, "sys", "pg")
                .descriptor().systemId()).isEqualTo("sys");
        // e.g. a lock or a status left by an earlier attempt, without repository.json
        Path own = dir.resolve("own");
        Files.createDirectories(own.resolve("locks"));
        Files.writeString(own.resolve("locks/repository.json"), "{}");
        Files.createDirectories(own.resolve("status"));
        Files.writeString(own.resolve("status/last-backup.json"), "{}");
        assertThat(Repository.openOrInit(FileBackupTarget.of(own), RepositoryOptions.DEFAULT, "sys", "pg")
                .descriptor().systemId()).isEqualTo("sys");
    }
}
