package io.dr4j.storage.gcs;

import java.net.URI;

import io.dr4j.core.storage.spi.BackupTargetProvider;
import io.dr4j.tck.ProviderRegistrationContractTest;

/** The dr-tck registration contract: ServiceLoader finds the gcs provider by id and scheme. */
class GcsProviderRegistrationTest extends ProviderRegistrationContractTest {
    @Override
    protected Class<? extends BackupTargetProvider> providerClass() {
        return GcsBackupTargetProvider.class;
    }

    @Override
    protected String providerId() {
        return "gcs";
    }

    @Override
    protected URI exampleUri() {
        return URI.create("gs://swe-platform-backups/postgresql-backups/");
    }
}
