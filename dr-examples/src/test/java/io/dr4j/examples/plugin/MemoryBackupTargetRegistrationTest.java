package io.dr4j.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import io.dr4j.core.DisasterRecovery;
import io.dr4j.tck.ProviderRegistrationContractTest;

import org.junit.jupiter.api.Test;

class MemoryBackupTargetRegistrationTest extends ProviderRegistrationContractTest {
    MemoryBackupTargetRegistrationTest() {
        super(MemoryBackupTargetProvider.class, "mem", URI.create("mem://example"));
    }

    @Test
    void aRepositoryWorksOnThePluginThroughItsUri() {
        try (DisasterRecovery dr = DisasterRecovery.configure().repository("mem://registration-test").load()) {
            var repo = dr.openRepository("sys-1", "postgresql");
            assertThat(repo.target()).isInstanceOf(MemoryBackupTarget.class);
            assertThat(repo.catalog().list()).isEmpty();
        }
    }
}
