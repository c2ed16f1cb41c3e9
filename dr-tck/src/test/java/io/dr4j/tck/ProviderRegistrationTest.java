package io.dr4j.tck;

import java.net.URI;

import io.dr4j.core.storage.FileBackupTargetProvider;
import io.dr4j.core.storage.MirroredBackupTargetProvider;
import io.dr4j.core.storage.spi.BackupTargetProvider;

import org.junit.jupiter.api.Nested;

/** The registration contract on dr-core's own providers. */
class ProviderRegistrationTest {

    @Nested
    class File extends ProviderRegistrationContractTest {
        @Override
        protected Class<? extends BackupTargetProvider> providerClass() {
            return FileBackupTargetProvider.class;
        }

        @Override
        protected String providerId() {
            return "file";
        }

        @Override
        protected URI exampleUri() {
            return URI.create("file:/var/backups/db");
        }
    }

    @Nested
    class Mirror extends ProviderRegistrationContractTest {
        @Override
        protected Class<? extends BackupTargetProvider> providerClass() {
            return MirroredBackupTargetProvider.class;
        }

        @Override
        protected String providerId() {
            return "mirror";
        }

        @Override
        protected URI exampleUri() {
            return URI.create("mirror:file:/var/backups/db,file:/mnt/copy/db");
        }
    }
}
