package io.dr4j.tck;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import io.dr4j.core.storage.FileBackupTargetProvider;
import io.dr4j.core.storage.MirroredBackupTargetProvider;
import io.dr4j.core.storage.spi.BackupTargetProvider;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The registration contract on dr-core's own providers, named both ways a plugin can name its provider. */
class ProviderRegistrationTest {

    @Nested
    class File extends ProviderRegistrationContractTest {
        File() {
            super(FileBackupTargetProvider.class, "file", URI.create("file:/var/backups/db"));
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

    @Test
    void aSubclassThatNamesNoProviderSaysHowToNameIt() {
        ProviderRegistrationContractTest unnamed = new ProviderRegistrationContractTest() {
        };
        assertThatThrownBy(unnamed::serviceLoaderFindsIt).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("names no providerClass").hasMessageContaining("constructor");
    }
}
