package io.dr4j.storage.gcs;

import java.net.URI;

import io.dr4j.tck.ProviderRegistrationContractTest;

/** The dr-tck registration contract: ServiceLoader finds the gcs provider by id and scheme. */
class GcsProviderRegistrationTest extends ProviderRegistrationContractTest {
    GcsProviderRegistrationTest() {
        super(GcsBackupTargetProvider.class, "gcs", URI.create("gs://swe-platform-backups/postgresql-backups/"));
    }
}
