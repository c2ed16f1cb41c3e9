package io.dr4j.storage.s3;

import java.net.URI;

import io.dr4j.core.storage.spi.BackupTargetProvider;
import io.dr4j.tck.ProviderRegistrationContractTest;

/** The dr-tck registration contract: ServiceLoader finds the s3 provider by id and scheme. */
class S3ProviderRegistrationTest extends ProviderRegistrationContractTest {
    @Override
    protected Class<? extends BackupTargetProvider> providerClass() {
        return S3BackupTargetProvider.class;
    }

    @Override
    protected String providerId() {
        return "s3";
    }

    @Override
    protected URI exampleUri() {
        return URI.create("s3://swe-platform-backups/postgresql-backups/");
    }
}
