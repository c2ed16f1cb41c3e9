package io.dr4j.tck;

import java.nio.file.Path;

import io.dr4j.core.storage.BackupTarget;
import io.dr4j.core.storage.FileBackupTarget;
import io.dr4j.core.storage.MirroredBackupTarget;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The kit on a mirrored target of two file-system targets, with each write policy. */
class MirroredBackupTargetContractTest {

    @Nested
    class AllMustSucceed extends BackupTargetContractTest {
        @TempDir
        Path dir;

        @Override
        protected BackupTarget createTarget() {
            return MirroredBackupTarget.of(FileBackupTarget.of(dir.resolve("a")), FileBackupTarget.of(dir.resolve("b")));
        }
    }

    @Nested
    class AtLeastOne extends BackupTargetContractTest {
        @TempDir
        Path dir;

        @Override
        protected BackupTarget createTarget() {
            return MirroredBackupTarget.builder().target(FileBackupTarget.of(dir.resolve("a")))
                    .target(FileBackupTarget.of(dir.resolve("b")))
                    .policy(MirroredBackupTarget.WritePolicy.AT_LEAST_ONE).build();
        }
    }
}
