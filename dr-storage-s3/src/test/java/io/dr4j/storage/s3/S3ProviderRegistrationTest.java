package io.dr4j.storage.s3;

import java.net.URI;

import io.dr4j.tck.ProviderRegistrationContractTest;

/** The dr-tck registration contract: ServiceLoader finds the s3 provider by id and scheme. */
class S3ProviderRegistrationTest extends ProviderRegistrationContractTest {
    S3ProviderRegistrationTest() {
        super(S3BackupTargetProvider.class, "s3", URI.create("s3://swe-platform-backups/postgresql-backups/"));
    }
}
